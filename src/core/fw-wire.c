/* fw-wire.c — the JSON form of every synced record
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every record travels as one JSON object:
 *   {"id": uuid, "revision": n, "created_at": time, "updated_at": time,
 *    "deleted": bool, …the entity's own fields…}
 * with times in RFC 3339 UTC ("2026-11-27T01:41:00Z") and references to
 * other records by uuid ("farm_id", "site_id", "unit_id").
 *
 * Decoding checks every field a record needs and names the first one that
 * is missing, of the wrong type or out of range, so that a server can
 * answer with the field and a client can show it. Fields it does not know
 * are ignored, so an older reader accepts a newer writer's records.
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "fw-alert.h"
#include "fw-alert-rule.h"
#include "fw-farm.h"
#include "fw-logbook-entry.h"
#include "fw-names.h"
#include "fw-sensor.h"
#include "fw-site.h"
#include "fw-unit.h"
#include "fw-wire.h"

G_DEFINE_QUARK (fw-wire-error-quark, fw_wire_error)

#define MAX_NAME_LENGTH 200
#define MAX_PAYLOAD_LENGTH 65536
/* Nothing a farm records happened before this (2000-01-01). */
#define EARLIEST_TIME G_GINT64_CONSTANT (946684800)

static const char * const entity_names[FW_N_ENTITIES] = {
  "farm", "site", "unit", "sensor", "logbook_entry", "alert_rule", "alert",
};

const char *
fw_entity_to_string (FwEntity entity)
{
  g_return_val_if_fail ((guint) entity < FW_N_ENTITIES, NULL);

  return entity_names[entity];
}

/* For people: "Logbook entry", not "logbook_entry". */
const char *
fw_entity_get_label (FwEntity entity)
{
  switch (entity)
    {
    case FW_ENTITY_FARM:
      return _("Farm");
    case FW_ENTITY_SITE:
      return _("Site");
    case FW_ENTITY_UNIT:
      return _("Unit");
    case FW_ENTITY_SENSOR:
      return _("Sensor");
    case FW_ENTITY_LOGBOOK_ENTRY:
      return _("Logbook entry");
    case FW_ENTITY_ALERT_RULE:
      return _("Alert rule");
    case FW_ENTITY_ALERT:
      return _("Alert");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
fw_entity_from_string (const char *text,
                       FwEntity   *entity)
{
  return fw_names_lookup (entity_names, FW_N_ENTITIES, text, (guint *) entity);
}

FwEntity
fw_entity_of_record (FwRecord *record)
{
  if (FW_IS_FARM (record))
    return FW_ENTITY_FARM;
  if (FW_IS_SITE (record))
    return FW_ENTITY_SITE;
  if (FW_IS_UNIT (record))
    return FW_ENTITY_UNIT;
  if (FW_IS_SENSOR (record))
    return FW_ENTITY_SENSOR;
  if (FW_IS_LOGBOOK_ENTRY (record))
    return FW_ENTITY_LOGBOOK_ENTRY;
  if (FW_IS_ALERT_RULE (record))
    return FW_ENTITY_ALERT_RULE;
  if (FW_IS_ALERT (record))
    return FW_ENTITY_ALERT;

  g_return_val_if_reached (FW_ENTITY_FARM);
}

/**
 * fw_wire_get_parent_uuid:
 *
 * Returns: (nullable): the uuid of the record @record belongs to: a site's
 *   farm, a unit's site, a sensor's or logbook entry's unit
 */
const char *
fw_wire_get_parent_uuid (FwRecord *record)
{
  switch (fw_entity_of_record (record))
    {
    case FW_ENTITY_FARM:
      return NULL;
    case FW_ENTITY_SITE:
      return fw_site_get_farm_uuid (FW_SITE (record));
    case FW_ENTITY_UNIT:
      return fw_unit_get_site_uuid (FW_UNIT (record));
    case FW_ENTITY_SENSOR:
      return fw_sensor_get_unit_uuid (FW_SENSOR (record));
    case FW_ENTITY_LOGBOOK_ENTRY:
      return fw_logbook_entry_get_unit_uuid (FW_LOGBOOK_ENTRY (record));
    case FW_ENTITY_ALERT_RULE:
      return fw_alert_rule_get_fields (FW_ALERT_RULE (record))->farm_uuid;
    case FW_ENTITY_ALERT:
      return fw_alert_get_unit_uuid (FW_ALERT (record));
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
fw_wire_format_time (FwTime time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (time);

  g_return_val_if_fail (dt != NULL, NULL);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* RFC 3339 with an explicit offset; seconds are what the model keeps. */
gboolean
fw_wire_parse_time (const char *text,
                    FwTime     *time)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;

  /* Without a zone GLib would read local time: not on the wire. */
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;

  if (time != NULL)
    *time = g_date_time_to_unix (dt);
  return TRUE;
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          FwTime       time)
{
  g_autofree char *text = fw_wire_format_time (time);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_optional_time (JsonBuilder *builder,
                   const char  *name,
                   FwTime       time)
{
  if (time != 0)
    add_time (builder, name, time);
  else
    add_string (builder, name, NULL);
}

static void
add_optional_number (JsonBuilder *builder,
                     const char  *name,
                     double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
fw_wire_encode_record (FwRecord *record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (FW_IS_RECORD (record), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "id", fw_record_get_uuid (record));
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, fw_record_get_revision (record));
  add_time (builder, "created_at", fw_record_get_created_at (record));
  add_time (builder, "updated_at", fw_record_get_updated_at (record));
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, fw_record_get_deleted (record));

  switch (fw_entity_of_record (record))
    {
    case FW_ENTITY_FARM:
      add_string (builder, "name", fw_farm_get_name (FW_FARM (record)));
      add_string (builder, "timezone", fw_farm_get_timezone (FW_FARM (record)));
      break;

    case FW_ENTITY_SITE:
      add_string (builder, "farm_id", fw_site_get_farm_uuid (FW_SITE (record)));
      add_string (builder, "name", fw_site_get_name (FW_SITE (record)));
      break;

    case FW_ENTITY_UNIT:
      {
        FwUnit *unit = FW_UNIT (record);

        add_string (builder, "site_id", fw_unit_get_site_uuid (unit));
        add_string (builder, "name", fw_unit_get_name (unit));
        add_string (builder, "kind", fw_unit_kind_to_id (fw_unit_get_kind (unit)));
        json_builder_set_member_name (builder, "area_m2");
        json_builder_add_double_value (builder, fw_unit_get_area (unit));
        json_builder_set_member_name (builder, "volume_m3");
        json_builder_add_double_value (builder, fw_unit_get_volume (unit));
        add_string (builder, "species", fw_unit_get_species (unit) ?: "");
      }
      break;

    case FW_ENTITY_SENSOR:
      {
        FwSensor *sensor = FW_SENSOR (record);

        add_string (builder, "unit_id", fw_sensor_get_unit_uuid (sensor));
        add_string (builder, "parameter", fw_parameter_to_id (fw_sensor_get_parameter (sensor)));
        add_string (builder, "unit_of_measure", fw_sensor_get_unit_of_measure (sensor));
        json_builder_set_member_name (builder, "interval");
        json_builder_add_int_value (builder, fw_sensor_get_interval (sensor));
      }
      break;

    case FW_ENTITY_LOGBOOK_ENTRY:
      {
        FwLogbookEntry *entry = FW_LOGBOOK_ENTRY (record);
        g_autoptr(JsonNode) payload = json_from_string (fw_logbook_entry_get_payload (entry), NULL);

        add_string (builder, "unit_id", fw_logbook_entry_get_unit_uuid (entry));
        add_string (builder, "kind", fw_logbook_entry_get_kind (entry));
        add_time (builder, "occurred_at", fw_logbook_entry_get_occurred_at (entry));
        add_string (builder, "author_id", fw_logbook_entry_get_author_uuid (entry));
        json_builder_set_member_name (builder, "payload");
        if (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload))
          json_builder_add_value (builder, g_steal_pointer (&payload));
        else
          {
            json_builder_begin_object (builder);
            json_builder_end_object (builder);
          }
      }
      break;

    case FW_ENTITY_ALERT_RULE:
      {
        const FwAlertRuleFields *f = fw_alert_rule_get_fields (FW_ALERT_RULE (record));

        add_string (builder, "farm_id", f->farm_uuid);
        add_string (builder, "unit_id", f->unit_uuid);
        add_string (builder, "kind", fw_alert_rule_kind_to_string (f->kind));
        json_builder_set_member_name (builder, "enabled");
        json_builder_add_boolean_value (builder, f->enabled);
        if (f->kind == FW_ALERT_RULE_LIMITS)
          {
            add_string (builder, "parameter", fw_parameter_to_id (f->parameter));
            json_builder_set_member_name (builder, "settings");
            json_builder_add_value (builder, fw_alert_settings_to_json (&f->settings));
          }
        else
          {
            add_time (builder, "starts_at", f->starts_at);
            add_time (builder, "ends_at", f->ends_at);
          }
        add_string (builder, "note", f->note);
      }
      break;

    case FW_ENTITY_ALERT:
      {
        const FwAlertFields *f = fw_alert_get_fields (FW_ALERT (record));

        add_string (builder, "unit_id", f->unit_uuid);
        add_string (builder, "sensor_id", f->sensor_uuid);
        add_string (builder, "parameter", fw_parameter_to_id (f->parameter));
        add_string (builder, "condition", fw_alert_condition_to_string (f->condition));
        add_string (builder, "severity", fw_severity_to_string (f->severity));
        add_string (builder, "state", fw_alert_state_to_string (f->state));
        add_optional_number (builder, "value", f->value);
        add_optional_number (builder, "limit", f->limit);
        add_time (builder, "started_at", f->started_at);
        add_optional_time (builder, "resolved_at", f->resolved_at);
        add_optional_time (builder, "acknowledged_at", f->acknowledged_at);
        add_string (builder, "acknowledged_by", f->acknowledged_by);
        add_string (builder, "acknowledge_note", f->acknowledge_note);
        json_builder_set_member_name (builder, "raised_offline");
        json_builder_add_boolean_value (builder, f->raised_offline);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Typed readers. Each sets *field and @error on failure. */

typedef struct
{
  JsonObject  *object;
  char       **field;
  GError     **error;
} Reader;

static gboolean
fail (Reader      *reader,
      const char  *name,
      FwWireError  code,
      const char  *message)
{
  if (reader->field != NULL)
    *reader->field = g_strdup (name);
  g_set_error (reader->error, FW_WIRE_ERROR, code, "%s: %s", name, message);
  return FALSE;
}

static JsonNode *
member (Reader     *reader,
        const char *name)
{
  JsonNode *node = json_object_get_member (reader->object, name);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

static gboolean
read_string (Reader      *reader,
             const char  *name,
             gboolean     required,
             gsize        max_length,
             const char **value)
{
  JsonNode *node = member (reader, name);
  const char *text;

  *value = NULL;

  if (node == NULL)
    return required ? fail (reader, name, FW_WIRE_ERROR_MISSING, _("is required")) : TRUE;

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (reader, name, FW_WIRE_ERROR_WRONG_TYPE, _("must be a string"));

  text = json_node_get_string (node);
  if (required && *text == '\0')
    return fail (reader, name, FW_WIRE_ERROR_MISSING, _("must not be empty"));

  if (g_utf8_strlen (text, -1) > (glong) max_length)
    return fail (reader, name, FW_WIRE_ERROR_OUT_OF_RANGE, _("is too long"));

  *value = text;
  return TRUE;
}

static gboolean
read_uuid (Reader      *reader,
           const char  *name,
           gboolean     required,
           const char **value)
{
  if (!read_string (reader, name, required, 36, value))
    return FALSE;

  if (*value != NULL && !g_uuid_string_is_valid (*value))
    return fail (reader, name, FW_WIRE_ERROR_WRONG_TYPE, _("must be a UUID"));

  return TRUE;
}

static gboolean
read_number (Reader     *reader,
             const char *name,
             gboolean    required,
             double      min,
             double      max,
             double     *value)
{
  JsonNode *node = member (reader, name);
  GType type;

  if (node == NULL)
    return required ? fail (reader, name, FW_WIRE_ERROR_MISSING, _("is required")) : TRUE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return fail (reader, name, FW_WIRE_ERROR_WRONG_TYPE, _("must be a number"));

  *value = json_node_get_double (node);
  if (!isfinite (*value) || *value < min || *value > max)
    return fail (reader, name, FW_WIRE_ERROR_OUT_OF_RANGE, _("is out of range"));

  return TRUE;
}

static gboolean
read_integer (Reader     *reader,
              const char *name,
              gboolean    required,
              gint64      min,
              gint64      max,
              gint64     *value)
{
  JsonNode *node = member (reader, name);

  if (node == NULL)
    return required ? fail (reader, name, FW_WIRE_ERROR_MISSING, _("is required")) : TRUE;

  if (json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (reader, name, FW_WIRE_ERROR_WRONG_TYPE, _("must be a whole number"));

  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    return fail (reader, name, FW_WIRE_ERROR_OUT_OF_RANGE, _("is out of range"));

  return TRUE;
}

static gboolean
read_time (Reader     *reader,
           const char *name,
           gboolean    required,
           FwTime      latest,
           FwTime     *value)
{
  const char *text;

  if (!read_string (reader, name, required, 64, &text))
    return FALSE;

  if (text == NULL)
    return TRUE;

  if (!fw_wire_parse_time (text, value))
    return fail (reader, name, FW_WIRE_ERROR_WRONG_TYPE,
                 _("must be an RFC 3339 time with a zone, such as 2026-11-27T06:30:00Z"));

  if (*value < EARLIEST_TIME)
    return fail (reader, name, FW_WIRE_ERROR_OUT_OF_RANGE, _("is before the year 2000"));

  if (latest > 0 && *value > latest)
    return fail (reader, name, FW_WIRE_ERROR_OUT_OF_RANGE, _("is in the future"));

  return TRUE;
}

static gboolean
read_boolean (Reader     *reader,
              const char *name,
              gboolean   *value)
{
  JsonNode *node = member (reader, name);

  if (node == NULL)
    return TRUE;

  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (reader, name, FW_WIRE_ERROR_WRONG_TYPE, _("must be true or false"));

  *value = json_node_get_boolean (node);
  return TRUE;
}

/**
 * fw_wire_decode_record:
 * @entity: what @node should be
 * @node: a JSON object
 * @now: the receiver's clock, against which future times are refused; 0
 *   not to check
 * @field: (out) (optional) (transfer full): the offending field on error
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 */
FwRecord *
fw_wire_decode_record (FwEntity     entity,
                       JsonNode    *node,
                       FwTime       now,
                       char       **field,
                       GError     **error)
{
  Reader reader = { NULL, field, error };
  FwTime latest = now > 0 ? now + FW_WIRE_FUTURE_TOLERANCE : 0;
  const char *uuid;
  gint64 revision = 0;
  FwTime created_at = 0, updated_at = 0;
  gboolean deleted = FALSE;

  g_return_val_if_fail ((guint) entity < FW_N_ENTITIES, NULL);

  if (field != NULL)
    *field = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (&reader, "record", FW_WIRE_ERROR_WRONG_TYPE, _("must be a JSON object"));
      return NULL;
    }

  reader.object = json_node_get_object (node);

  /* No future check on the bookkeeping times: a receiver that cares sets
   * them itself, and a fast clock must not make a record unreadable. */
  if (!read_uuid (&reader, "id", TRUE, &uuid) ||
      !read_integer (&reader, "revision", FALSE, 0, G_MAXINT64, &revision) ||
      !read_time (&reader, "created_at", FALSE, 0, &created_at) ||
      !read_time (&reader, "updated_at", FALSE, 0, &updated_at) ||
      !read_boolean (&reader, "deleted", &deleted))
    return NULL;

#define RECORD_PROPERTIES \
  "uuid", uuid, "revision", revision, "created-at", created_at, \
  "updated-at", updated_at, "deleted", deleted

  switch (entity)
    {
    case FW_ENTITY_FARM:
      {
        const char *name, *timezone;
        g_autoptr(GTimeZone) zone = NULL;

        if (!read_string (&reader, "name", TRUE, MAX_NAME_LENGTH, &name) ||
            !read_string (&reader, "timezone", TRUE, 64, &timezone))
          return NULL;

        zone = g_time_zone_new_identifier (timezone);
        if (zone == NULL)
          {
            fail (&reader, "timezone", FW_WIRE_ERROR_OUT_OF_RANGE,
                  _("is not a known time zone, such as Europe/Budapest"));
            return NULL;
          }

        return g_object_new (FW_TYPE_FARM, RECORD_PROPERTIES,
                             "name", name, "timezone", timezone, NULL);
      }

    case FW_ENTITY_SITE:
      {
        const char *farm, *name;

        if (!read_uuid (&reader, "farm_id", TRUE, &farm) ||
            !read_string (&reader, "name", TRUE, MAX_NAME_LENGTH, &name))
          return NULL;

        return g_object_new (FW_TYPE_SITE, RECORD_PROPERTIES,
                             "farm-uuid", farm, "name", name, NULL);
      }

    case FW_ENTITY_UNIT:
      {
        const char *site, *name, *kind_id, *species;
        double area = 0, volume = 0;
        FwUnitKind kind;

        if (!read_uuid (&reader, "site_id", TRUE, &site) ||
            !read_string (&reader, "name", TRUE, MAX_NAME_LENGTH, &name) ||
            !read_string (&reader, "kind", TRUE, 16, &kind_id) ||
            !read_number (&reader, "area_m2", FALSE, 0, 1e9, &area) ||
            !read_number (&reader, "volume_m3", FALSE, 0, 1e10, &volume) ||
            !read_string (&reader, "species", FALSE, 100, &species))
          return NULL;

        if (!fw_unit_kind_from_id (kind_id, &kind))
          {
            fail (&reader, "kind", FW_WIRE_ERROR_OUT_OF_RANGE,
                  _("must be pond, tank, cage or raceway"));
            return NULL;
          }

        return g_object_new (FW_TYPE_UNIT, RECORD_PROPERTIES,
                             "site-uuid", site, "name", name, "kind", kind,
                             "area", area, "volume", volume, "species", species ?: "",
                             NULL);
      }

    case FW_ENTITY_SENSOR:
      {
        const char *unit, *parameter_id, *unit_of_measure;
        gint64 interval;
        FwParameter parameter;

        if (!read_uuid (&reader, "unit_id", TRUE, &unit) ||
            !read_string (&reader, "parameter", TRUE, 64, &parameter_id) ||
            !read_string (&reader, "unit_of_measure", FALSE, 20, &unit_of_measure) ||
            !read_integer (&reader, "interval", TRUE, 1, 7 * 24 * 3600, &interval))
          return NULL;

        if (!fw_parameter_from_id (parameter_id, &parameter))
          {
            fail (&reader, "parameter", FW_WIRE_ERROR_OUT_OF_RANGE, _("is not a known parameter"));
            return NULL;
          }

        return g_object_new (FW_TYPE_SENSOR, RECORD_PROPERTIES,
                             "unit-uuid", unit, "parameter", parameter,
                             "unit-of-measure", unit_of_measure,
                             "interval", (guint) interval, NULL);
      }

    case FW_ENTITY_LOGBOOK_ENTRY:
      {
        const char *unit, *kind, *author;
        FwTime occurred_at = 0;
        JsonNode *payload = member (&reader, "payload");
        g_autofree char *payload_text = NULL;

        if (!read_uuid (&reader, "unit_id", TRUE, &unit) ||
            !read_string (&reader, "kind", TRUE, 32, &kind) ||
            !read_time (&reader, "occurred_at", TRUE, latest, &occurred_at) ||
            !read_uuid (&reader, "author_id", FALSE, &author))
          return NULL;

        if (!fw_logbook_kind_is_valid (kind))
          {
            fail (&reader, "kind", FW_WIRE_ERROR_OUT_OF_RANGE, _("is not a known kind of logbook entry"));
            return NULL;
          }

        if (payload != NULL)
          {
            if (!JSON_NODE_HOLDS_OBJECT (payload))
              {
                fail (&reader, "payload", FW_WIRE_ERROR_WRONG_TYPE, _("must be a JSON object"));
                return NULL;
              }
            payload_text = json_to_string (payload, FALSE);
            if (strlen (payload_text) > MAX_PAYLOAD_LENGTH)
              {
                fail (&reader, "payload", FW_WIRE_ERROR_OUT_OF_RANGE, _("is too large"));
                return NULL;
              }
          }

        return g_object_new (FW_TYPE_LOGBOOK_ENTRY, RECORD_PROPERTIES,
                             "unit-uuid", unit, "kind", kind, "occurred-at", occurred_at,
                             "author-uuid", author, "payload", payload_text,
                             NULL);
      }

    case FW_ENTITY_ALERT_RULE:
      {
        FwAlertRuleFields f = { .enabled = TRUE };
        const char *kind, *parameter_id = NULL, *note;
        g_autoptr(FwAlertRule) rule = NULL;

        if (!read_uuid (&reader, "farm_id", TRUE, (const char **) &f.farm_uuid) ||
            !read_uuid (&reader, "unit_id", FALSE, (const char **) &f.unit_uuid) ||
            !read_string (&reader, "kind", TRUE, 16, &kind) ||
            !read_boolean (&reader, "enabled", &f.enabled) ||
            !read_string (&reader, "note", FALSE, 1000, &note))
          return NULL;

        f.note = (char *) note;
        if (!fw_alert_rule_kind_from_string (kind, &f.kind))
          {
            fail (&reader, "kind", FW_WIRE_ERROR_OUT_OF_RANGE, _("must be limits or maintenance"));
            return NULL;
          }

        if (f.kind == FW_ALERT_RULE_LIMITS)
          {
            g_autoptr(GError) settings_error = NULL;
            g_autofree char *settings_field = NULL;

            if (!read_string (&reader, "parameter", TRUE, 64, &parameter_id))
              return NULL;
            if (!fw_parameter_from_id (parameter_id, &f.parameter))
              {
                fail (&reader, "parameter", FW_WIRE_ERROR_OUT_OF_RANGE, _("is not a known parameter"));
                return NULL;
              }

            fw_alert_settings_get_default (NULL, f.parameter, &f.settings);
            if (!fw_alert_settings_from_json (member (&reader, "settings"), f.parameter, &f.settings,
                                              &settings_field, &settings_error))
              {
                g_autofree char *name = g_strconcat ("settings.", settings_field ?: "", NULL);

                fail (&reader, name, FW_WIRE_ERROR_OUT_OF_RANGE, settings_error->message);
                return NULL;
              }
          }
        else
          {
            /* A window may be planned ahead: no future check. */
            if (!read_time (&reader, "starts_at", TRUE, 0, &f.starts_at) ||
                !read_time (&reader, "ends_at", TRUE, 0, &f.ends_at))
              return NULL;
            if (f.ends_at <= f.starts_at || f.ends_at - f.starts_at > 31 * 24 * 3600)
              {
                fail (&reader, "ends_at", FW_WIRE_ERROR_OUT_OF_RANGE,
                      _("must be after the start, and at most 31 days later"));
                return NULL;
              }
          }

        rule = g_object_new (FW_TYPE_ALERT_RULE, RECORD_PROPERTIES, NULL);
        return FW_RECORD (fw_alert_rule_new_from (rule, &f));
      }

    case FW_ENTITY_ALERT:
      {
        FwAlertFields f = { .value = NAN, .limit = NAN };
        const char *unit, *sensor, *parameter_id, *condition, *severity, *state, *by, *note;
        g_autoptr(FwAlert) alert = NULL;

        if (!read_uuid (&reader, "unit_id", TRUE, &unit) ||
            !read_uuid (&reader, "sensor_id", FALSE, &sensor) ||
            !read_string (&reader, "parameter", TRUE, 64, &parameter_id) ||
            !read_string (&reader, "condition", TRUE, 16, &condition) ||
            !read_string (&reader, "severity", TRUE, 16, &severity) ||
            !read_string (&reader, "state", TRUE, 16, &state) ||
            !read_number (&reader, "value", FALSE, -1e9, 1e9, &f.value) ||
            !read_number (&reader, "limit", FALSE, -1e9, 1e9, &f.limit) ||
            !read_time (&reader, "started_at", TRUE, latest, &f.started_at) ||
            !read_time (&reader, "resolved_at", FALSE, latest, &f.resolved_at) ||
            !read_time (&reader, "acknowledged_at", FALSE, latest, &f.acknowledged_at) ||
            !read_string (&reader, "acknowledged_by", FALSE, MAX_NAME_LENGTH, &by) ||
            !read_string (&reader, "acknowledge_note", FALSE, 2000, &note) ||
            !read_boolean (&reader, "raised_offline", &f.raised_offline))
          return NULL;

        if (!fw_parameter_from_id (parameter_id, &f.parameter))
          {
            fail (&reader, "parameter", FW_WIRE_ERROR_OUT_OF_RANGE, _("is not a known parameter"));
            return NULL;
          }
        if (!fw_alert_condition_from_string (condition, &f.condition))
          {
            fail (&reader, "condition", FW_WIRE_ERROR_OUT_OF_RANGE, _("is not a known alert condition"));
            return NULL;
          }
        if (!fw_severity_from_string (severity, &f.severity) || f.severity == FW_SEVERITY_NONE)
          {
            fail (&reader, "severity", FW_WIRE_ERROR_OUT_OF_RANGE, _("must be warning or critical"));
            return NULL;
          }
        if (!fw_alert_state_from_string (state, &f.state))
          {
            fail (&reader, "state", FW_WIRE_ERROR_OUT_OF_RANGE, _("must be firing, acknowledged or resolved"));
            return NULL;
          }
        if (f.acknowledged_at != 0 && by == NULL)
          {
            fail (&reader, "acknowledged_by", FW_WIRE_ERROR_MISSING, _("is required with acknowledged_at"));
            return NULL;
          }

        f.unit_uuid = (char *) unit;
        f.sensor_uuid = (char *) sensor;
        f.acknowledged_by = (char *) by;
        f.acknowledge_note = (char *) note;
        alert = g_object_new (FW_TYPE_ALERT, RECORD_PROPERTIES, NULL);
        return FW_RECORD (fw_alert_new_from (alert, &f));
      }

    default:
      g_assert_not_reached ();
    }

#undef RECORD_PROPERTIES
}
