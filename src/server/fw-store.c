/* fw-store.c — the store interface and the values that cross it
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Handlers talk to the store only through this interface, so that another
 * engine (PostgreSQL for several server instances) can take the place of
 * the embedded SQLite store without a handler changing. Every call blocks:
 * the server makes them from worker threads.
 */

#include "config.h"

#include "fw-store.h"

G_DEFINE_QUARK (fw-store-error-quark, fw_store_error)

G_DEFINE_INTERFACE (FwStore, fw_store, G_TYPE_OBJECT)

static void
fw_store_default_init (FwStoreInterface *iface)
{
}

static const char * const role_names[] = { "worker", "manager", "admin" };

const char *
fw_role_to_string (FwRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), NULL);

  return role_names[role];
}

gboolean
fw_role_from_string (const char *text,
                     FwRole     *role)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_str_equal (role_names[i], text))
        {
          if (role != NULL)
            *role = (FwRole) i;
          return TRUE;
        }
    }

  return FALSE;
}

FwUser *
fw_user_new (void)
{
  FwUser *user = g_new0 (FwUser, 1);

  user->farm_uuids = g_ptr_array_new_with_free_func (g_free);
  return user;
}

void
fw_user_free (FwUser *user)
{
  if (user == NULL)
    return;

  g_free (user->uuid);
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->password_hash);
  g_ptr_array_unref (user->farm_uuids);
  g_free (user);
}

/* Admins see every farm; everyone else the farms they were given. */
gboolean
fw_user_can_see_farm (FwUser     *user,
                      const char *farm_uuid)
{
  g_return_val_if_fail (user != NULL, FALSE);

  if (user->role == FW_ROLE_ADMIN)
    return TRUE;

  if (farm_uuid == NULL)
    return FALSE;

  for (guint i = 0; i < user->farm_uuids->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (user->farm_uuids, i), farm_uuid))
        return TRUE;
    }

  return FALSE;
}

/* Never the password hash. */
JsonNode *
fw_user_to_json (FwUser *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, user->uuid);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user->username);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, user->display_name ?: "");
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, fw_role_to_string (user->role));
  json_builder_set_member_name (builder, "farms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < user->farm_uuids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (user->farm_uuids, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
fw_device_free (FwDevice *device)
{
  if (device == NULL)
    return;

  g_free (device->uuid);
  g_free (device->farm_uuid);
  g_free (device->name);
  g_free (device);
}

const char *
fw_mutation_status_to_string (FwMutationStatus status)
{
  switch (status)
    {
    case FW_MUTATION_APPLIED:
      return "applied";
    case FW_MUTATION_REJECTED:
      return "rejected";
    case FW_MUTATION_CONFLICT:
      return "conflict";
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * fw_mutation_new_upsert:
 *
 * Returns: (transfer full): a new mutation that writes @record as it is,
 *   with a fresh mutation id, as an admin tool or the server itself does
 */
FwMutation *
fw_mutation_new_upsert (FwRecord *record)
{
  FwMutation *mutation;

  g_return_val_if_fail (FW_IS_RECORD (record), NULL);

  mutation = g_new0 (FwMutation, 1);
  mutation->mutation_id = g_uuid_string_random ();
  mutation->entity = fw_entity_of_record (record);
  mutation->record_uuid = g_strdup (fw_record_get_uuid (record));
  mutation->record = g_object_ref (record);
  return mutation;
}

void
fw_mutation_free (FwMutation *mutation)
{
  if (mutation == NULL)
    return;

  g_free (mutation->mutation_id);
  g_free (mutation->record_uuid);
  g_clear_object (&mutation->record);
  g_free (mutation->invalid_code);
  g_free (mutation->invalid_message);
  g_free (mutation->invalid_field);
  g_free (mutation);
}

void
fw_mutation_result_free (FwMutationResult *result)
{
  if (result == NULL)
    return;

  g_free (result->mutation_id);
  g_free (result->record_uuid);
  g_free (result->code);
  g_free (result->message);
  g_free (result->field);
  g_clear_pointer (&result->server_record, json_node_unref);
  g_free (result);
}

void
fw_change_free (FwChange *change)
{
  if (change == NULL)
    return;

  g_free (change->farm_uuid);
  g_clear_pointer (&change->record, json_node_unref);
  g_free (change);
}

FwIngestBatch *
fw_ingest_batch_new (const char *sensor_uuid)
{
  FwIngestBatch *batch = g_new0 (FwIngestBatch, 1);

  batch->sensor_uuid = g_strdup (sensor_uuid);
  batch->readings = g_array_new (FALSE, FALSE, sizeof (FwReading));
  batch->indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  batch->rejections = g_array_new (FALSE, FALSE, sizeof (FwRejection));
  return batch;
}

void
fw_ingest_batch_free (FwIngestBatch *batch)
{
  if (batch == NULL)
    return;

  g_free (batch->sensor_uuid);
  g_free (batch->error);
  g_array_unref (batch->readings);
  g_array_unref (batch->indexes);
  g_array_unref (batch->rejections);
  g_free (batch);
}

void
fw_ingest_batch_reject (FwIngestBatch *batch,
                        guint          index,
                        FwTime         time,
                        const char    *reason)
{
  FwRejection rejection = { index, time, reason };

  g_array_append_val (batch->rejections, rejection);
  batch->rejected++;
}

void
fw_sensor_run_free (FwSensorRun *run)
{
  if (run == NULL)
    return;

  g_free (run->sensor_uuid);
  g_array_unref (run->readings);
  g_free (run);
}

void
fw_latest_free (FwLatest *latest)
{
  if (latest == NULL)
    return;

  g_free (latest->sensor_uuid);
  g_free (latest->unit_uuid);
  g_free (latest);
}

gboolean
fw_store_ping (FwStore  *self,
               GError  **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->ping (self, error);
}

const char *
fw_store_get_epoch (FwStore *self)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->get_epoch (self);
}

FwUser *
fw_store_find_user (FwStore     *self,
                    const char  *username,
                    GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->find_user (self, username, error);
}

GPtrArray *
fw_store_list_users (FwStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->list_users (self, error);
}

gboolean
fw_store_add_user (FwStore     *self,
                   FwUser      *user,
                   const char  *password_hash,
                   GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->add_user (self, user, password_hash, error);
}

gboolean
fw_store_add_session (FwStore     *self,
                      FwUser      *user,
                      const char  *token_hash,
                      FwTime       expires_at,
                      GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->add_session (self, user, token_hash, expires_at, error);
}

FwUser *
fw_store_find_session (FwStore     *self,
                       const char  *token_hash,
                       FwTime       now,
                       GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->find_session (self, token_hash, now, error);
}

gboolean
fw_store_remove_session (FwStore     *self,
                         const char  *token_hash,
                         GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->remove_session (self, token_hash, error);
}

gboolean
fw_store_throttle_login (FwStore         *self,
                         const char      *key,
                         FwLoginAttempt   attempt,
                         FwTime           now,
                         guint            window,
                         guint           *failures,
                         FwTime          *window_start,
                         GError         **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->throttle_login (self, key, attempt, now, window, failures, window_start, error);
}

gboolean
fw_store_add_device (FwStore     *self,
                     const char  *farm_uuid,
                     const char  *name,
                     const char  *token_hash,
                     char       **uuid,
                     GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->add_device (self, farm_uuid, name, token_hash, uuid, error);
}

FwDevice *
fw_store_find_device (FwStore     *self,
                      const char  *token_hash,
                      GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->find_device (self, token_hash, error);
}

GPtrArray *
fw_store_list_records (FwStore     *self,
                       FwEntity     entity,
                       const char  *farm_uuid,
                       const char  *parent_uuid,
                       GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->list_records (self, entity, farm_uuid, parent_uuid, error);
}

JsonNode *
fw_store_get_record (FwStore     *self,
                     FwEntity     entity,
                     const char  *uuid,
                     char       **farm_uuid,
                     GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->get_record (self, entity, uuid, farm_uuid, error);
}

GPtrArray *
fw_store_apply_mutations (FwStore    *self,
                          FwUser     *user,
                          GPtrArray  *mutations,
                          FwTime      now,
                          GError    **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->apply_mutations (self, user, mutations, now, error);
}

GPtrArray *
fw_store_pull (FwStore   *self,
               FwUser    *user,
               gint64     after,
               guint      limit,
               gint64    *last,
               gboolean  *more,
               GError   **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->pull (self, user, after, limit, last, more, error);
}

gboolean
fw_store_ingest (FwStore    *self,
                 FwDevice   *device,
                 GPtrArray  *batches,
                 FwTime      now,
                 GError    **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->ingest (self, device, batches, now, error);
}

GArray *
fw_store_query_readings (FwStore       *self,
                         const char    *sensor_uuid,
                         FwTime         from,
                         FwTime         to,
                         FwResolution   resolution,
                         guint          limit,
                         GError       **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->query_readings (self, sensor_uuid, from, to, resolution, limit, error);
}

/**
 * fw_store_farm_readings:
 * @after_sensor: with @after_time, where the previous page ended; 0 to
 *   start
 * @limit: at most this many readings in all
 *
 * A farm's readings in [@from, @to), ordered by sensor then time.
 *
 * Returns: (transfer container) (element-type FwSensorRun): runs
 */
GPtrArray *
fw_store_farm_readings (FwStore     *self,
                        const char  *farm_uuid,
                        FwTime       from,
                        FwTime       to,
                        gint64       after_sensor,
                        FwTime       after_time,
                        guint        limit,
                        GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->farm_readings (self, farm_uuid, from, to, after_sensor, after_time, limit, error);
}

GPtrArray *
fw_store_latest_readings (FwStore     *self,
                          const char  *farm_uuid,
                          GError     **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);

  return FW_STORE_GET_IFACE (self)->latest_readings (self, farm_uuid, error);
}

gboolean
fw_store_get_counts (FwStore        *self,
                     FwStoreCounts  *counts,
                     GError        **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), FALSE);

  return FW_STORE_GET_IFACE (self)->get_counts (self, counts, error);
}

/**
 * fw_store_save_alert:
 * @alert: for %FW_ALERT_EVENT_FIRE, the new alert; otherwise the alert
 *   @event is about, of which only the id counts
 * @event: what the server's evaluation found
 *
 * Writes what the server itself finds in the water, as no user: a new
 * alert, or an escalation or resolution applied to the copy the store has
 * now, so that an acknowledgement that reached the store meanwhile is
 * kept. The write takes a revision like any other, so clients pull it.
 *
 * Returns: (transfer full): the alert as stored, or %NULL with @error set
 *   (%FW_STORE_ERROR_NOT_FOUND when there is no such alert to update)
 */
FwAlert *
fw_store_save_alert (FwStore             *self,
                     FwAlert             *alert,
                     const FwAlertEvent  *event,
                     FwTime               now,
                     GError             **error)
{
  g_return_val_if_fail (FW_IS_STORE (self), NULL);
  g_return_val_if_fail (FW_IS_ALERT (alert), NULL);
  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return FW_STORE_GET_IFACE (self)->save_alert (self, alert, event, now, error);
}

/* The records a mutation touches, as a store reads them. */

void
fw_stored_record_clear (FwStoredRecord *record)
{
  g_clear_pointer (&record->farm_uuid, g_free);
  g_clear_pointer (&record->author, g_free);
  g_clear_pointer (&record->body, json_node_unref);
  record->exists = FALSE;
}

/* Keeps @body (transfer full), and who first wrote it when it says. */
void
fw_stored_record_take_body (FwStoredRecord *record,
                            JsonNode       *body)
{
  JsonObject *object;

  g_clear_pointer (&record->body, json_node_unref);
  g_clear_pointer (&record->author, g_free);
  record->body = body;

  object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  if (object != NULL && json_object_has_member (object, "author_id") &&
      !json_object_get_null_member (object, "author_id"))
    record->author = g_strdup (json_object_get_string_member (object, "author_id"));
}

/* The entity a record's parent must be. */
static gboolean
parent_entity (FwEntity  entity,
               FwEntity *parent)
{
  switch (entity)
    {
    case FW_ENTITY_FARM:
      return FALSE;
    case FW_ENTITY_SITE:
    case FW_ENTITY_ALERT_RULE:
      *parent = FW_ENTITY_FARM;
      return TRUE;
    case FW_ENTITY_UNIT:
      *parent = FW_ENTITY_SITE;
      return TRUE;
    case FW_ENTITY_SENSOR:
    case FW_ENTITY_LOGBOOK_ENTRY:
    case FW_ENTITY_ALERT:
      *parent = FW_ENTITY_UNIT;
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * fw_mutation_result_new:
 *
 * Returns: (transfer full): the answer to @mutation
 */
FwMutationResult *
fw_mutation_result_new (FwMutation       *mutation,
                        FwMutationStatus  status,
                        const char       *code,
                        const char       *message,
                        const char       *field)
{
  FwMutationResult *result = g_new0 (FwMutationResult, 1);

  result->mutation_id = g_strdup (mutation->mutation_id);
  result->record_uuid = g_strdup (mutation->record_uuid);
  result->status = status;
  result->code = g_strdup (code);
  result->message = g_strdup (message);
  result->field = g_strdup (field);
  return result;
}

/* Whether @user may write @entity records of a farm they can see. */
static gboolean
may_write (FwUser   *user,
           FwEntity  entity,
           gboolean  creating)
{
  switch (entity)
    {
    case FW_ENTITY_FARM:
      return creating ? user->role == FW_ROLE_ADMIN : user->role >= FW_ROLE_MANAGER;
    case FW_ENTITY_SITE:
    case FW_ENTITY_UNIT:
    case FW_ENTITY_SENSOR:
    case FW_ENTITY_ALERT_RULE:
      return user->role >= FW_ROLE_MANAGER;
    /* Anyone may acknowledge, or report what a manual sample showed. */
    case FW_ENTITY_LOGBOOK_ENTRY:
    case FW_ENTITY_ALERT:
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}


static const char *
parent_field (FwEntity parent)
{
  return parent == FW_ENTITY_FARM ? "farm_id" : parent == FW_ENTITY_SITE ? "site_id" : "unit_id";
}

/* A client's copy of an alert, as the server will keep it: merged into
 * the server's copy when there is one, so that neither side's news is
 * lost; a new one is a client's own, raised offline from a manual sample.
 * Whoever acknowledges is the signed-in user, whatever the copy says.
 *
 * Returns: (transfer full): the record to write, or %NULL with @error set */
static FwRecord *
merge_alert (FwStoredRecord *existing,
             FwAlert        *incoming,
             FwUser         *user,
             GError        **error)
{
  const FwAlertFields *in = fw_alert_get_fields (incoming);
  g_autoptr(FwRecord) current = NULL;
  g_autoptr(FwAlert) merged = NULL;
  FwAlertFields fields;
  gboolean acknowledged_now;

  if (existing->exists)
    {
      current = fw_wire_decode_record (FW_ENTITY_ALERT, existing->body, 0, NULL, error);
      if (current == NULL)
        {
          g_prefix_error (error, "A stored alert does not read back: ");
          return NULL;
        }
      merged = fw_alert_merge (FW_ALERT (current), incoming);
      acknowledged_now = fw_alert_get_fields (FW_ALERT (current))->acknowledged_at == 0 &&
                         fw_alert_get_fields (merged)->acknowledged_at != 0;
      if (!acknowledged_now)
        return FW_RECORD (g_steal_pointer (&merged));
      fields = *fw_alert_get_fields (merged);
    }
  else
    {
      fields = *in;
      fields.raised_offline = TRUE;
      acknowledged_now = fields.acknowledged_at != 0;
    }

  if (acknowledged_now)
    fields.acknowledged_by = user->username;

  return FW_RECORD (fw_alert_new (fw_record_get_uuid (FW_RECORD (incoming)), &fields));
}

/* Server-owned fields: whatever a client sent is replaced. */
static void
stamp_record (JsonObject *object,
              gint64      revision,
              FwTime      created_at,
              FwTime      updated_at,
              gboolean    deleted)
{
  g_autofree char *created = fw_wire_format_time (created_at);
  g_autofree char *updated = fw_wire_format_time (updated_at);

  json_object_set_int_member (object, "revision", revision);
  json_object_set_string_member (object, "created_at", created);
  json_object_set_string_member (object, "updated_at", updated);
  json_object_set_boolean_member (object, "deleted", deleted);
}

/**
 * fw_store_write_alert:
 * @revision: the revision the write takes
 * @wrote: (out): whether anything was written; an alert that is over
 *   already is left as it is
 *
 * What every store does with the alert engine's news, inside its open
 * transaction: a firing is a new alert of the unit's farm; an escalation
 * or a resolution applies to the copy stored now, which may carry an
 * acknowledgement made since.
 *
 * Returns: (transfer full): the alert as stored, or %NULL with @error set
 */
FwAlert *
fw_store_write_alert (FwAlert             *alert,
                      const FwAlertEvent  *event,
                      FwTime               now,
                      gint64               revision,
                      FwStoreLoadFunc      load,
                      FwStoreWriteFunc     write,
                      gpointer             data,
                      gboolean            *wrote,
                      GError             **error)
{
  const char *uuid = fw_record_get_uuid (FW_RECORD (alert));
  const char *unit_uuid = fw_alert_get_unit_uuid (alert);
  FwStoredRecord existing = { 0, };
  FwStoredRecord unit = { 0, };
  g_autoptr(FwRecord) current = NULL;
  g_autoptr(FwAlert) next = NULL;
  g_autoptr(JsonNode) body = NULL;
  const char *farm_uuid;
  FwTime created_at = now;
  FwRecord *saved = NULL;

  *wrote = FALSE;

  if (!load (data, uuid, &existing, error))
    goto out;

  if (event->kind == FW_ALERT_EVENT_FIRE)
    {
      if (existing.exists)
        {
          g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS, "Alert “%s” exists already", uuid);
          goto out;
        }
      if (!load (data, unit_uuid, &unit, error))
        goto out;
      if (!unit.exists || unit.entity != FW_ENTITY_UNIT)
        {
          g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND, "No unit with id “%s”", unit_uuid);
          goto out;
        }
      farm_uuid = unit.farm_uuid;
      next = g_object_ref (alert);
    }
  else
    {
      if (!existing.exists || existing.entity != FW_ENTITY_ALERT)
        {
          g_set_error (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND, "No alert with id “%s”", uuid);
          goto out;
        }
      current = fw_wire_decode_record (FW_ENTITY_ALERT, existing.body, 0, NULL, error);
      if (current == NULL)
        goto out;

      /* Over already: the water has nothing more to say about it. */
      if (!fw_alert_is_open (FW_ALERT (current)))
        {
          saved = g_steal_pointer (&current);
          goto out;
        }

      next = fw_alert_apply_event (FW_ALERT (current), event);
      farm_uuid = existing.farm_uuid;
      created_at = existing.created_at;
      unit_uuid = fw_alert_get_unit_uuid (FW_ALERT (current));
    }

  body = fw_wire_encode_record (FW_RECORD (next));
  stamp_record (json_node_get_object (body), revision, created_at, now, FALSE);

  if (!write (data, FW_ENTITY_ALERT, uuid, farm_uuid, unit_uuid, revision, created_at, now, FALSE, body, error))
    goto out;

  *wrote = TRUE;
  saved = fw_wire_decode_record (FW_ENTITY_ALERT, body, 0, NULL, error);

out:
  fw_stored_record_clear (&existing);
  fw_stored_record_clear (&unit);
  return saved != NULL ? FW_ALERT (saved) : NULL;
}

/**
 * fw_store_apply_mutation:
 * @revision: (inout): the store's last revision; the mutation's, if it
 *   writes
 * @load: reads a record of the store by its uuid
 * @write: writes a record to the store
 * @data: for @load and @write: the store and its open transaction
 *
 * What every store does with a client's mutation, inside its open
 * transaction: the checks (visibility, kind, role, parent, farm,
 * conflicts), the alert merge, the server-owned fields, and the write.
 * The stores differ only in how they read and write a record.
 *
 * Returns: the result, or %NULL with @error set when the store itself
 *   failed
 */
FwMutationResult *
fw_store_apply_mutation (FwUser           *user,
                         FwMutation       *mutation,
                         gint64           *revision,
                         FwTime            now,
                         FwStoreLoadFunc   load,
                         FwStoreWriteFunc  write,
                         gpointer          data,
                         GError          **error)
{
  FwStoredRecord existing = { 0, };
  FwStoredRecord parent = { 0, };
  FwMutationResult *result = NULL;
  g_autoptr(FwRecord) merged = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *farm_uuid = NULL;
  const char *parent_uuid = NULL;
  FwEntity wanted_parent;
  JsonObject *object;

  if (mutation->invalid_code != NULL)
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, mutation->invalid_code,
                           mutation->invalid_message, mutation->invalid_field);
      goto out;
    }

  if (!load (data, mutation->record_uuid, &existing, error))
    goto out;

  /* A record the user cannot see does not exist, as far as they know. */
  if (existing.exists && !fw_user_can_see_farm (user, existing.farm_uuid))
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "not_found", "No such record", "id");
      goto out;
    }

  if (existing.exists && existing.entity != mutation->entity)
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "entity_mismatch",
                           "That id belongs to a record of another kind", "entity");
      goto out;
    }

  if (mutation->delete && (!existing.exists || existing.deleted))
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "not_found", "No such record", "id");
      goto out;
    }

  if (!may_write (user, mutation->entity, !existing.exists))
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "forbidden",
                           "Your role may not change this kind of record", "entity");
      goto out;
    }

  /* An alert is history: it resolves, it is never archived. */
  if (mutation->delete && mutation->entity == FW_ENTITY_ALERT)
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "forbidden",
                           "Alerts are kept as history and cannot be archived", "entity");
      goto out;
    }

  /* Alerts never conflict: the server and a client each own their side
   * of one (fw_alert_merge()), so a client's copy, however old, is merged
   * into the server's below.
   *
   * Other edits must start from what the server has: anything else is a
   * conflict, answered with the server's version so the client can keep
   * both and let the user choose. */
  if (existing.exists && mutation->base_revision != existing.revision &&
      mutation->entity != FW_ENTITY_ALERT)
    {
      result = fw_mutation_result_new (mutation, FW_MUTATION_CONFLICT, "conflict",
                           "The record changed on the server since this edit was made", NULL);
      result->revision = existing.revision;
      result->server_record = json_node_ref (existing.body);
      goto out;
    }

  if (mutation->delete)
    {
      body = json_node_copy (existing.body);
      farm_uuid = g_strdup (existing.farm_uuid);
      object = json_node_get_object (body);
      parent_uuid = json_object_get_string_member_with_default (object,
                      mutation->entity == FW_ENTITY_SITE ? "farm_id" :
                      mutation->entity == FW_ENTITY_UNIT ? "site_id" : "unit_id", NULL);
    }
  else
    {
      FwRecord *record = mutation->record;

      if (mutation->entity == FW_ENTITY_ALERT)
        {
          record = merge_alert (&existing, FW_ALERT (record), user, error);
          if (record == NULL)
            goto out;
          merged = record;
        }

      body = fw_wire_encode_record (record);
      object = json_node_get_object (body);

      if (parent_entity (mutation->entity, &wanted_parent))
        {
          parent_uuid = fw_wire_get_parent_uuid (record);
          if (!load (data, parent_uuid, &parent, error))
            goto out;

          if (!parent.exists || parent.entity != wanted_parent ||
              !fw_user_can_see_farm (user, parent.farm_uuid))
            {
              result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "unknown_parent",
                                   "The record it belongs to does not exist", parent_field (wanted_parent));
              goto out;
            }

          if (parent.deleted)
            {
              result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "parent_archived",
                                   "The record it belongs to is archived", parent_field (wanted_parent));
              goto out;
            }

          farm_uuid = g_strdup (parent.farm_uuid);
        }
      else
        {
          farm_uuid = g_strdup (mutation->record_uuid);
        }

      if (existing.exists && g_strcmp0 (existing.farm_uuid, farm_uuid) != 0)
        {
          result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "farm_change",
                               "A record cannot move to another farm", NULL);
          goto out;
        }

      /* New records join the creator's farms; an admin's farm is theirs
       * to hand out with user-add --farm. */
      if (!existing.exists && mutation->entity == FW_ENTITY_FARM && !fw_user_can_see_farm (user, farm_uuid))
        {
          result = fw_mutation_result_new (mutation, FW_MUTATION_REJECTED, "forbidden",
                               "Only admins create farms", "entity");
          goto out;
        }

      /* The author of an entry is whoever first wrote it, by the server's
       * account, not what the client claims. */
      if (mutation->entity == FW_ENTITY_LOGBOOK_ENTRY)
        json_object_set_string_member (object, "author_id",
                                       existing.exists && existing.author ? existing.author : user->uuid);
    }

  (*revision)++;
  stamp_record (object, *revision, existing.exists ? existing.created_at : now, now, mutation->delete);

  if (!write (data, mutation->entity, mutation->record_uuid, farm_uuid, parent_uuid, *revision, existing.exists ? existing.created_at : now, now,
                     mutation->delete, body, error))
    goto out;

  result = fw_mutation_result_new (mutation, FW_MUTATION_APPLIED, NULL, NULL, NULL);
  result->revision = *revision;

out:
  fw_stored_record_clear (&existing);
  fw_stored_record_clear (&parent);
  return result;
}

