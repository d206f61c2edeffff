/* fw-alert.c — one excursion of one sensor, from firing to resolved
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An alert is a synced record like a logbook entry. The server raises,
 * escalates and resolves it as readings arrive; people acknowledge it,
 * from any machine, online or not. The two never fight: fw_alert_merge()
 * takes what the water says from the server's copy and who acknowledged
 * from whichever copy has it first. A change of state makes a new object;
 * alerts, like all records, are not changed in place.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "fw-alert.h"
#include "fw-alert-rule.h"
#include "fw-format.h"
#include "fw-logbook-entry.h"
#include "fw-logbook-schema.h"
#include "fw-names.h"

struct _FwAlert
{
  FwRecord       parent_instance;

  FwAlertFields  fields;
};

G_DEFINE_FINAL_TYPE (FwAlert, fw_alert, FW_TYPE_RECORD)

static const char *const state_ids[FW_N_ALERT_STATES] = { "firing", "acknowledged", "resolved" };

const char *
fw_alert_state_to_string (FwAlertState state)
{
  g_return_val_if_fail ((guint) state < FW_N_ALERT_STATES, NULL);

  return state_ids[state];
}

gboolean
fw_alert_state_from_string (const char   *text,
                            FwAlertState *state)
{
  return fw_names_lookup (state_ids, FW_N_ALERT_STATES, text, (guint *) state);
}

const char *
fw_alert_state_get_label (FwAlertState state)
{
  switch (state)
    {
    case FW_ALERT_STATE_FIRING:
      return _("Firing");
    case FW_ALERT_STATE_ACKNOWLEDGED:
      return _("Acknowledged");
    case FW_ALERT_STATE_RESOLVED:
      return _("Resolved");
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
fw_alert_finalize (GObject *object)
{
  FwAlert *self = FW_ALERT (object);

  g_free (self->fields.unit_uuid);
  g_free (self->fields.sensor_uuid);
  g_free (self->fields.acknowledged_by);
  g_free (self->fields.acknowledge_note);

  G_OBJECT_CLASS (fw_alert_parent_class)->finalize (object);
}

static void
fw_alert_class_init (FwAlertClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_alert_finalize;
}

static void
fw_alert_init (FwAlert *self)
{
  self->fields.value = NAN;
  self->fields.limit = NAN;
}

static void
set_fields (FwAlert             *self,
            const FwAlertFields *fields)
{
  self->fields = *fields;
  self->fields.unit_uuid = g_strdup (fields->unit_uuid);
  self->fields.sensor_uuid = g_strdup (fields->sensor_uuid);
  self->fields.acknowledged_by = g_strdup (fields->acknowledged_by);
  self->fields.acknowledge_note = g_strdup (fields->acknowledge_note);
}

/**
 * fw_alert_new:
 * @uuid: (nullable): the alert's id; %NULL for a new one
 * @fields: what it says, copied
 *
 * Returns: (transfer full): a new alert record
 */
FwAlert *
fw_alert_new (const char          *uuid,
              const FwAlertFields *fields)
{
  FwAlert *self;

  g_return_val_if_fail (fields != NULL, NULL);
  g_return_val_if_fail (fields->unit_uuid != NULL, NULL);

  self = g_object_new (FW_TYPE_ALERT, "uuid", uuid, NULL);
  set_fields (self, fields);
  return self;
}

/**
 * fw_alert_new_from:
 * @blank: an alert made with g_object_new() and only its record
 *   bookkeeping (id, revision, times), as a decoder does
 *
 * Returns: (transfer full): @blank, saying @fields
 */
FwAlert *
fw_alert_new_from (FwAlert             *blank,
                   const FwAlertFields *fields)
{
  g_return_val_if_fail (FW_IS_ALERT (blank), NULL);
  g_return_val_if_fail (blank->fields.unit_uuid == NULL, NULL);
  g_return_val_if_fail (fields != NULL && fields->unit_uuid != NULL, NULL);

  set_fields (blank, fields);
  return g_object_ref (blank);
}

/* A copy with the same id and bookkeeping, to be changed and saved. */
static FwAlert *
copy_alert (FwAlert *self)
{
  FwRecord *record = FW_RECORD (self);
  FwAlert *copy = g_object_new (FW_TYPE_ALERT,
                                "uuid", fw_record_get_uuid (record),
                                "revision", fw_record_get_revision (record),
                                "created-at", fw_record_get_created_at (record),
                                "updated-at", fw_record_get_updated_at (record),
                                "deleted", fw_record_get_deleted (record),
                                NULL);

  set_fields (copy, &self->fields);
  return copy;
}

/**
 * fw_alert_new_for_event:
 * @sensor_uuid: (nullable): %NULL for a manual sample
 * @offline: whether it is raised on a machine that cannot reach the server
 *
 * Returns: (transfer full): a new firing alert for a %FW_ALERT_EVENT_FIRE
 */
FwAlert *
fw_alert_new_for_event (const char         *unit_uuid,
                        const char         *sensor_uuid,
                        FwParameter         parameter,
                        const FwAlertEvent *event,
                        gboolean            offline)
{
  FwAlertFields fields = {
    .unit_uuid = (char *) unit_uuid,
    .sensor_uuid = (char *) sensor_uuid,
    .parameter = parameter,
    .condition = event->condition,
    .severity = event->severity,
    .state = FW_ALERT_STATE_FIRING,
    .value = event->value,
    .limit = event->limit,
    .started_at = event->time,
    .raised_offline = offline,
  };

  g_return_val_if_fail (event->kind == FW_ALERT_EVENT_FIRE, NULL);

  return fw_alert_new (NULL, &fields);
}

const FwAlertFields *
fw_alert_get_fields (FwAlert *self)
{
  g_return_val_if_fail (FW_IS_ALERT (self), NULL);

  return &self->fields;
}

const char *
fw_alert_get_unit_uuid (FwAlert *self)
{
  g_return_val_if_fail (FW_IS_ALERT (self), NULL);

  return self->fields.unit_uuid;
}

FwSeverity
fw_alert_get_severity (FwAlert *self)
{
  g_return_val_if_fail (FW_IS_ALERT (self), FW_SEVERITY_NONE);

  return self->fields.severity;
}

FwAlertState
fw_alert_get_state (FwAlert *self)
{
  g_return_val_if_fail (FW_IS_ALERT (self), FW_ALERT_STATE_RESOLVED);

  return self->fields.state;
}

/* Firing or acknowledged: the water is still wrong. */
gboolean
fw_alert_is_open (FwAlert *self)
{
  g_return_val_if_fail (FW_IS_ALERT (self), FALSE);

  return self->fields.state != FW_ALERT_STATE_RESOLVED;
}

/**
 * fw_alert_apply_event:
 *
 * Returns: (transfer full): the alert after an escalation or resolution
 *   of its condition
 */
FwAlert *
fw_alert_apply_event (FwAlert            *self,
                      const FwAlertEvent *event)
{
  FwAlert *next;

  g_return_val_if_fail (FW_IS_ALERT (self), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  next = copy_alert (self);
  switch (event->kind)
    {
    case FW_ALERT_EVENT_ESCALATE:
      next->fields.severity = MAX (next->fields.severity, event->severity);
      next->fields.value = event->value;
      next->fields.limit = event->limit;
      /* A critical turn wakes people again, even if they saw the warning. */
      if (next->fields.state == FW_ALERT_STATE_ACKNOWLEDGED)
        next->fields.state = FW_ALERT_STATE_FIRING;
      break;

    case FW_ALERT_EVENT_RESOLVE:
      next->fields.state = FW_ALERT_STATE_RESOLVED;
      next->fields.resolved_at = event->time;
      break;

    case FW_ALERT_EVENT_FIRE:
    default:
      g_warn_if_reached ();
      break;
    }

  return next;
}

/**
 * fw_alert_acknowledge:
 * @by: who, as they signed in
 * @note: (nullable): what they are doing about it
 *
 * A resolved alert can be acknowledged too, for the record; it stays
 * resolved.
 *
 * Returns: (transfer full): the acknowledged alert
 */
FwAlert *
fw_alert_acknowledge (FwAlert    *self,
                      const char *by,
                      const char *note,
                      FwTime      at)
{
  FwAlert *next;

  g_return_val_if_fail (FW_IS_ALERT (self), NULL);
  g_return_val_if_fail (by != NULL, NULL);

  next = copy_alert (self);
  g_free (next->fields.acknowledged_by);
  g_free (next->fields.acknowledge_note);
  next->fields.acknowledged_by = g_strdup (by);
  next->fields.acknowledge_note = g_strdup (note != NULL && *note != '\0' ? note : NULL);
  next->fields.acknowledged_at = at;
  if (next->fields.state == FW_ALERT_STATE_FIRING)
    next->fields.state = FW_ALERT_STATE_ACKNOWLEDGED;
  fw_record_set_updated_at (FW_RECORD (next), at);
  return next;
}

/**
 * fw_alert_merge:
 * @current: the copy the server holds
 * @incoming: a copy a client sends, perhaps edited offline from an older
 *   revision
 *
 * The water's side (severity, value, resolution) is the server's; an
 * acknowledgement is whoever's came first. Neither side can lose the
 * other's news, so alerts never conflict.
 *
 * Returns: (transfer full): the merged alert, with @current's bookkeeping
 */
FwAlert *
fw_alert_merge (FwAlert *current,
                FwAlert *incoming)
{
  const FwAlertFields *in;
  FwAlert *merged;

  g_return_val_if_fail (FW_IS_ALERT (current), NULL);
  g_return_val_if_fail (FW_IS_ALERT (incoming), NULL);

  merged = copy_alert (current);
  in = &incoming->fields;

  if (current->fields.acknowledged_at == 0 && in->acknowledged_at != 0 && in->acknowledged_by != NULL)
    {
      g_free (merged->fields.acknowledged_by);
      g_free (merged->fields.acknowledge_note);
      merged->fields.acknowledged_by = g_strdup (in->acknowledged_by);
      merged->fields.acknowledge_note = g_strdup (in->acknowledge_note);
      merged->fields.acknowledged_at = in->acknowledged_at;
      if (merged->fields.state == FW_ALERT_STATE_FIRING)
        merged->fields.state = FW_ALERT_STATE_ACKNOWLEDGED;
    }

  return merged;
}

/**
 * fw_alert_describe:
 *
 * Returns: (transfer full): what is wrong, for people: "2.1 mg/L, below
 *   the critical limit of 3.0 mg/L"
 */
char *
fw_alert_describe (FwAlert *self)
{
  const FwAlertFields *f;
  g_autofree char *value = NULL;
  g_autofree char *limit = NULL;

  g_return_val_if_fail (FW_IS_ALERT (self), NULL);

  f = &self->fields;
  value = fw_format_value_with_unit (f->parameter, f->value);
  limit = fw_format_value_with_unit (f->parameter, f->limit);

  switch (f->condition)
    {
    case FW_ALERT_CONDITION_LOW:
      return f->severity == FW_SEVERITY_CRITICAL
             ? g_strdup_printf (_("%s, below the critical limit of %s"), value, limit)
             : g_strdup_printf (_("%s, below the warning limit of %s"), value, limit);
    case FW_ALERT_CONDITION_HIGH:
      return f->severity == FW_SEVERITY_CRITICAL
             ? g_strdup_printf (_("%s, above the critical limit of %s"), value, limit)
             : g_strdup_printf (_("%s, above the warning limit of %s"), value, limit);
    case FW_ALERT_CONDITION_SILENT:
      return g_strdup (_("No readings from the sensor"));
    case FW_ALERT_CONDITION_STUCK:
      return g_strdup_printf (_("The sensor has reported %s for too long"), value);
    case FW_ALERT_CONDITION_FALLING:
      {
        g_autofree char *rate = fw_format_value_with_unit (f->parameter, fabs (f->value));

        /* TRANSLATORS: how fast a value falls, such as "Falling 2.3 mg/L an hour" */
        return g_strdup_printf (_("Falling %s an hour"), rate);
      }
    case FW_ALERT_CONDITION_DAWN:
      return g_strdup_printf (_("Projected %s at dawn: start the aerators"), value);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fw_alert_next_reminder:
 * @last_reminded: when people were last told, or 0
 * @remind_every: the rule's interval for critical alerts; warnings are
 *   repeated four times less often
 *
 * Returns: when to remind people of @self again, or 0 never (it is
 *   acknowledged or resolved)
 */
FwTime
fw_alert_next_reminder (FwAlert *self,
                        FwTime   last_reminded,
                        FwTime   remind_every)
{
  FwTime every;

  g_return_val_if_fail (FW_IS_ALERT (self), 0);

  if (self->fields.state != FW_ALERT_STATE_FIRING)
    return 0;

  every = self->fields.severity == FW_SEVERITY_CRITICAL ? remind_every : remind_every * 4;
  return MAX (last_reminded, self->fields.started_at) + every;
}

/**
 * fw_alert_apply_events:
 * @open: (array fixed-size=6) (inout): the open alert of each condition of
 *   the sensor, %NULL where there is none; owned references, updated
 * @events: (element-type FwAlertEvent): what a watch reported
 * @offline: whether new alerts are raised on a machine cut off from the
 *   server
 * @changed: (element-type FwAlert): gets every alert created or changed,
 *   to be saved
 *
 * Turns a sensor's events into alert records: a firing makes a new alert,
 * an escalation or a resolution changes the open one. Resolved alerts
 * leave @open, so the next excursion is a new alert.
 */
void
fw_alert_apply_events (FwAlert     **open,
                       const char   *unit_uuid,
                       const char   *sensor_uuid,
                       FwParameter   parameter,
                       GArray       *events,
                       gboolean      offline,
                       GPtrArray    *changed)
{
  g_return_if_fail (open != NULL);
  g_return_if_fail (unit_uuid != NULL);
  g_return_if_fail (events != NULL);
  g_return_if_fail (changed != NULL);

  for (guint i = 0; i < events->len; i++)
    {
      const FwAlertEvent *event = &g_array_index (events, FwAlertEvent, i);
      FwAlert **slot = &open[event->condition];
      FwAlert *next;

      if (event->kind == FW_ALERT_EVENT_FIRE)
        {
          /* A firing while one is open means the open one was lost track
           * of (a restart without restore): it ends where the new begins. */
          if (*slot != NULL)
            {
              FwAlertEvent end = { FW_ALERT_EVENT_RESOLVE, event->condition, (*slot)->fields.severity,
                                   event->time, event->value, NAN };

              g_ptr_array_add (changed, fw_alert_apply_event (*slot, &end));
              g_clear_object (slot);
            }
          next = fw_alert_new_for_event (unit_uuid, sensor_uuid, parameter, event, offline);
        }
      else if (*slot != NULL)
        next = fw_alert_apply_event (*slot, event);
      else
        continue;   /* an end of something never raised here */

      g_ptr_array_add (changed, g_object_ref (next));
      g_clear_object (slot);
      if (fw_alert_is_open (next))
        *slot = next;
      else
        g_object_unref (next);
    }
}

/* The water sample fields that a sensor parameter also measures. */
static const struct {
  const char  *key;
  FwParameter  parameter;
} sample_fields[] = {
  { "temperature_c", FW_PARAMETER_TEMPERATURE },
  { "dissolved_oxygen_mg_l", FW_PARAMETER_DISSOLVED_OXYGEN },
  { "ph", FW_PARAMETER_PH },
  { "total_ammonia_mg_l", FW_PARAMETER_TOTAL_AMMONIA },
  { "nitrite_mg_l", FW_PARAMETER_NITRITE },
  { "salinity_ppt", FW_PARAMETER_SALINITY },
};

/**
 * fw_alert_check_water_sample:
 * @entry: a water sample
 * @rules: (nullable) (element-type FwAlertRule): the farm's rules
 * @species: (nullable): what the unit holds
 * @alerts: (nullable) (element-type FwAlert): the alerts known now, to
 *   end the ones an earlier sample raised
 * @offline: whether this machine cannot reach the server now
 *
 * Checks a manual sample against the unit's limits, as the server checks
 * readings: a value past a limit raises an alert (the app does this so
 * that a pond worker without a link still gets one); a value back inside
 * resolves what an earlier sample of that parameter raised.
 *
 * Returns: (transfer full) (element-type FwAlert): the alerts to save
 */
GPtrArray *
fw_alert_check_water_sample (FwLogbookEntry *entry,
                             GPtrArray      *rules,
                             const char     *species,
                             GPtrArray      *alerts,
                             gboolean        offline)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) node = NULL;
  const char *unit_uuid;
  FwTime at;
  JsonObject *payload;

  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (entry), NULL);

  if (!g_str_equal (fw_logbook_entry_get_kind (entry), "water_sample") ||
      fw_record_get_deleted (FW_RECORD (entry)))
    return g_steal_pointer (&changed);

  node = json_from_string (fw_logbook_entry_get_payload (entry), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_steal_pointer (&changed);

  payload = json_node_get_object (node);
  unit_uuid = fw_logbook_entry_get_unit_uuid (entry);
  at = fw_logbook_entry_get_occurred_at (entry);

  for (guint i = 0; i < G_N_ELEMENTS (sample_fields); i++)
    {
      double value = fw_logbook_payload_number (payload, sample_fields[i].key);
      FwParameter parameter = sample_fields[i].parameter;
      FwAlertCondition condition = FW_ALERT_CONDITION_LOW;
      FwAlertSettings settings;
      FwSeverity severity;
      double limit;

      if (isnan (value) || !fw_alert_rules_resolve (rules, unit_uuid, species, parameter, &settings))
        continue;

      severity = fw_alert_check_sample (&settings, value, &condition, &limit);

      /* An alert an earlier sample raised goes on while samples stay
       * past the limit (escalating if they get worse), and ends with the
       * first sample back inside. */
      {
        FwAlert *earlier = NULL;

        for (guint a = 0; alerts != NULL && a < alerts->len; a++)
          {
            FwAlert *candidate = g_ptr_array_index (alerts, a);
            const FwAlertFields *f = &candidate->fields;

            if (f->sensor_uuid == NULL && f->parameter == parameter && fw_alert_is_open (candidate) &&
                g_strcmp0 (f->unit_uuid, unit_uuid) == 0 && f->started_at <= at)
              earlier = candidate;
          }

        if (earlier != NULL && severity == FW_SEVERITY_NONE)
          {
            FwAlertEvent end = { FW_ALERT_EVENT_RESOLVE, earlier->fields.condition,
                                 earlier->fields.severity, at, value, NAN };

            g_ptr_array_add (changed, fw_alert_apply_event (earlier, &end));
          }
        else if (earlier != NULL && severity > earlier->fields.severity)
          {
            FwAlertEvent worse = { FW_ALERT_EVENT_ESCALATE, condition, severity, at, value, limit };

            g_ptr_array_add (changed, fw_alert_apply_event (earlier, &worse));
          }
        else if (earlier == NULL && severity != FW_SEVERITY_NONE)
          {
            FwAlertEvent fire = { FW_ALERT_EVENT_FIRE, condition, severity, at, value, limit };

            g_ptr_array_add (changed, fw_alert_new_for_event (unit_uuid, NULL, parameter, &fire, offline));
          }
      }
    }

  return g_steal_pointer (&changed);
}
