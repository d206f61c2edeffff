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
