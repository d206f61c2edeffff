/* fw-outbox.c — local changes waiting for the server, and sync bookkeeping
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A change made on this machine is written to its table and to the outbox
 * in one transaction: once fw_cache_record_change() returns, the change
 * survives a crash and will reach the server. Every outbox row carries its
 * own mutation id, so sending it again is harmless. Rows the server
 * refused stay, marked, for the user to see; they never hold up the rest.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fw-cache-private.h"
#include "fw-outbox.h"

static const char * const state_names[] = { "pending", "rejected", "conflict" };

void
fw_outbox_entry_free (FwOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->mutation_id);
  g_free (entry->record_uuid);
  g_free (entry->payload);
  g_free (entry->error);
  g_free (entry);
}

typedef struct
{
  FwRecord *record;
  gboolean  delete;
} Change;

static gboolean
record_change_cb (FwCache  *self,
                  gpointer  user_data,
                  GError  **error)
{
  Change *change = user_data;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *json = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;

  if (change->delete)
    fw_record_set_deleted (change->record, TRUE);
  fw_record_set_updated_at (change->record, now);

  if (!fw_cache_save_record (self, change->record, error))
    return FALSE;

  payload = fw_wire_encode_record (change->record);
  json = json_to_string (payload, FALSE);

  stmt = fw_cache_prepare (self,
                           "INSERT INTO outbox (mutation_id, entity, record_uuid, op, base_revision, payload, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fw_entity_to_string (fw_entity_of_record (change->record)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, fw_record_get_uuid (change->record), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, change->delete ? "delete" : "upsert", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, fw_record_get_revision (change->record));
  sqlite3_bind_text (stmt, 6, json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, now);

  return fw_cache_step (self, stmt, _("queuing a change for the server"), error);
}

/**
 * fw_cache_record_change:
 * @record: a record made or edited on this machine
 * @delete: whether the change is its deletion (a tombstone)
 *
 * Saves @record and queues it for the server in one transaction. When
 * this returns %TRUE, the change is on disk and will be sent.
 */
gboolean
fw_cache_record_change (FwCache   *self,
                        FwRecord  *record,
                        gboolean   delete,
                        GError   **error)
{
  Change change = { record, delete };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (FW_IS_RECORD (record), FALSE);

  return fw_cache_run_in_transaction (self, record_change_cb, &change, error);
}

/**
 * fw_cache_list_outbox:
 * @limit: at most this many, oldest first
 *
 * Returns: (transfer container) (element-type FwOutboxEntry): the entries
 *   in @state
 */
GPtrArray *
fw_cache_list_outbox (FwCache        *self,
                      FwOutboxState   state,
                      guint           limit,
                      GError        **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_outbox_entry_free);
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);

  fw_cache_lock (self);

  stmt = fw_cache_prepare (self,
                           "SELECT seq, mutation_id, entity, record_uuid, op, base_revision, payload, error, created_at "
                           "FROM outbox WHERE state = ?1 ORDER BY seq LIMIT ?2",
                           error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, state_names[state], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, limit);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FwOutboxEntry *entry = g_new0 (FwOutboxEntry, 1);

          entry->seq = sqlite3_column_int64 (stmt, 0);
          entry->mutation_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          fw_entity_from_string ((const char *) sqlite3_column_text (stmt, 2), &entry->entity);
          entry->record_uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          entry->delete = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 4), "delete") == 0;
          entry->base_revision = sqlite3_column_int64 (stmt, 5);
          entry->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
          entry->error = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
          entry->created_at = sqlite3_column_int64 (stmt, 8);
          entry->state = state;
          g_ptr_array_add (entries, entry);
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        fw_cache_fail (self, rc, _("reading the changes waiting for the server"), error);
    }

  fw_cache_unlock (self);

  return rc == SQLITE_DONE ? g_steal_pointer (&entries) : NULL;
}

gboolean
fw_cache_count_outbox (FwCache  *self,
                       guint    *pending,
                       guint    *rejected,
                       guint    *conflicts,
                       GError  **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);

  fw_cache_lock (self);

  stmt = fw_cache_prepare (self,
                           "SELECT count (*) FILTER (WHERE state = 'pending'),"
                           " count (*) FILTER (WHERE state = 'rejected'),"
                           " count (*) FILTER (WHERE state = 'conflict') FROM outbox",
                           error);
  if (stmt != NULL)
    {
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        {
          if (pending != NULL)
            *pending = sqlite3_column_int (stmt, 0);
          if (rejected != NULL)
            *rejected = sqlite3_column_int (stmt, 1);
          if (conflicts != NULL)
            *conflicts = sqlite3_column_int (stmt, 2);
          ok = TRUE;
        }
      else
        fw_cache_fail (self, rc, _("counting the changes waiting for the server"), error);
      sqlite3_reset (stmt);
    }

  fw_cache_unlock (self);
  return ok;
}

typedef struct
{
  FwOutboxEntry *entry;
  gint64         revision;
  FwOutboxState  state;
  const char    *reason;
  const char    *server_record;
} Outcome;

/* Literals, so the cache can keep them prepared: one per entity table. */
static const char * const revision_updates[FW_N_ENTITIES] = {
  "UPDATE farms SET revision = ?1 WHERE uuid = ?2",
  "UPDATE sites SET revision = ?1 WHERE uuid = ?2",
  "UPDATE units SET revision = ?1 WHERE uuid = ?2",
  "UPDATE sensors SET revision = ?1 WHERE uuid = ?2",
  "UPDATE logbook_entries SET revision = ?1 WHERE uuid = ?2",
  "UPDATE alert_rules SET revision = ?1 WHERE uuid = ?2",
  "UPDATE alerts SET revision = ?1 WHERE uuid = ?2",
};

static gboolean
applied_cb (FwCache  *self,
            gpointer  user_data,
            GError  **error)
{
  Outcome *outcome = user_data;
  sqlite3_stmt *stmt;

  stmt = fw_cache_prepare (self, "DELETE FROM outbox WHERE seq = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, outcome->entry->seq);
  if (!fw_cache_step (self, stmt, _("clearing a sent change"), error))
    return FALSE;

  stmt = fw_cache_prepare (self, revision_updates[outcome->entry->entity], error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, outcome->revision);
  sqlite3_bind_text (stmt, 2, outcome->entry->record_uuid, -1, SQLITE_STATIC);
  if (!fw_cache_step (self, stmt, _("clearing a sent change"), error))
    return FALSE;

  /* Later edits of the same record were made on top of this one: they
   * now build on the revision the server gave it. */
  stmt = fw_cache_prepare (self,
                           "UPDATE outbox SET base_revision = ?1 WHERE record_uuid = ?2 AND state = 'pending'",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, outcome->revision);
  sqlite3_bind_text (stmt, 2, outcome->entry->record_uuid, -1, SQLITE_STATIC);
  return fw_cache_step (self, stmt, _("clearing a sent change"), error);
}

/**
 * fw_cache_outbox_applied:
 * @revision: the revision the server gave the record
 *
 * The server applied @entry: it leaves the outbox, and the record takes
 * the server's revision.
 */
gboolean
fw_cache_outbox_applied (FwCache        *self,
                         FwOutboxEntry  *entry,
                         gint64          revision,
                         GError        **error)
{
  Outcome outcome = { entry, revision, FW_OUTBOX_PENDING, NULL, NULL };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  return fw_cache_run_in_transaction (self, applied_cb, &outcome, error);
}

static gboolean
refused_cb (FwCache  *self,
            gpointer  user_data,
            GError  **error)
{
  Outcome *outcome = user_data;
  sqlite3_stmt *stmt;

  stmt = fw_cache_prepare (self, "UPDATE outbox SET state = ?1, error = ?2, attempts = attempts + 1 WHERE seq = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, state_names[outcome->state], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, outcome->reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, outcome->entry->seq);
  if (!fw_cache_step (self, stmt, _("marking a refused change"), error))
    return FALSE;

  if (outcome->state != FW_OUTBOX_CONFLICT)
    return TRUE;

  /* Both sides are kept until the user chooses. */
  stmt = fw_cache_prepare (self,
                           "INSERT INTO conflicts (entity, record_uuid, local_payload, server_payload, server_revision, detected_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, fw_entity_to_string (outcome->entry->entity), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, outcome->entry->record_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, outcome->entry->payload, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, outcome->server_record ?: "{}", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, outcome->revision);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  return fw_cache_step (self, stmt, _("keeping both sides of a conflict"), error);
}

/**
 * fw_cache_outbox_refused:
 * @state: %FW_OUTBOX_REJECTED or %FW_OUTBOX_CONFLICT
 * @reason: the server's words, for the user
 * @server_record: (nullable): the server's version, as JSON, for a conflict
 *
 * The server refused @entry: it stays, marked, and out of the queue.
 */
gboolean
fw_cache_outbox_refused (FwCache        *self,
                         FwOutboxEntry  *entry,
                         FwOutboxState   state,
                         const char     *reason,
                         const char     *server_record,
                         gint64          server_revision,
                         GError        **error)
{
  Outcome outcome = { entry, server_revision, state, reason, server_record };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (state != FW_OUTBOX_PENDING, FALSE);

  return fw_cache_run_in_transaction (self, refused_cb, &outcome, error);
}

/**
 * fw_cache_has_pending_change:
 * @pending: (out): whether a change of the record waits for the server or
 *   for the user (a conflict)
 *
 * A record with such a change keeps its local version when the server's
 * arrives in a pull.
 */
gboolean
fw_cache_has_pending_change (FwCache     *self,
                             const char  *record_uuid,
                             gboolean    *pending,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);

  fw_cache_lock (self);
  stmt = fw_cache_prepare (self,
                           "SELECT EXISTS (SELECT 1 FROM outbox WHERE record_uuid = ?1 AND state != 'rejected')",
                           error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, record_uuid, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *pending = sqlite3_column_int (stmt, 0);
      else
        fw_cache_fail (self, rc, _("reading the changes waiting for the server"), error);
      sqlite3_reset (stmt);
    }
  fw_cache_unlock (self);

  return rc == SQLITE_ROW;
}

void
fw_conflict_free (FwConflict *conflict)
{
  if (conflict == NULL)
    return;

  g_free (conflict->record_uuid);
  g_free (conflict->local_payload);
  g_free (conflict->server_payload);
  g_free (conflict);
}

/**
 * fw_cache_list_conflicts:
 *
 * Returns: (transfer container) (element-type FwConflict): the conflicts
 *   the user has not settled, oldest first
 */
GPtrArray *
fw_cache_list_conflicts (FwCache  *self,
                         GError  **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_conflict_free);
  sqlite3_stmt *stmt;
  int rc = SQLITE_ERROR;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  fw_cache_lock (self);
  stmt = fw_cache_prepare (self,
                           "SELECT id, entity, record_uuid, local_payload, server_payload, server_revision, detected_at "
                           "FROM conflicts WHERE resolved_at IS NULL ORDER BY id",
                           error);
  if (stmt != NULL)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FwConflict *conflict = g_new0 (FwConflict, 1);

          conflict->id = sqlite3_column_int64 (stmt, 0);
          fw_entity_from_string ((const char *) sqlite3_column_text (stmt, 1), &conflict->entity);
          conflict->record_uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          conflict->local_payload = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          conflict->server_payload = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          conflict->server_revision = sqlite3_column_int64 (stmt, 5);
          conflict->detected_at = sqlite3_column_int64 (stmt, 6);
          g_ptr_array_add (conflicts, conflict);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        fw_cache_fail (self, rc, _("reading conflicts"), error);
    }
  fw_cache_unlock (self);

  return rc == SQLITE_DONE ? g_steal_pointer (&conflicts) : NULL;
}

typedef struct
{
  gint64   id;
  gboolean keep_local;
} Resolution;

static gboolean
resolve_conflict_cb (FwCache  *self,
                     gpointer  user_data,
                     GError  **error)
{
  Resolution *resolution = user_data;
  g_autoptr(GPtrArray) conflicts = fw_cache_list_conflicts (self, error);
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(FwRecord) record = NULL;
  FwConflict *conflict = NULL;
  sqlite3_stmt *stmt;

  if (conflicts == NULL)
    return FALSE;

  for (guint i = 0; i < conflicts->len; i++)
    {
      FwConflict *candidate = g_ptr_array_index (conflicts, i);

      if (candidate->id == resolution->id)
        conflict = candidate;
    }

  if (conflict == NULL)
    {
      g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_NOT_FOUND,
                   _("That conflict was settled already"));
      return FALSE;
    }

  stmt = fw_cache_prepare (self, "UPDATE conflicts SET resolved_at = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 2, conflict->id);
  if (!fw_cache_step (self, stmt, _("settling a conflict"), error))
    return FALSE;

  /* Whatever was queued for the record was built on the losing side. */
  stmt = fw_cache_prepare (self, "DELETE FROM outbox WHERE record_uuid = ?1 AND state != 'rejected'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, conflict->record_uuid, -1, SQLITE_STATIC);
  if (!fw_cache_step (self, stmt, _("settling a conflict"), error))
    return FALSE;

  payload = json_from_string (resolution->keep_local ? conflict->local_payload : conflict->server_payload, NULL);
  record = payload != NULL ? fw_wire_decode_record (conflict->entity, payload, 0, NULL, error) : NULL;
  if (record == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_INVALID,
                             _("The saved version of the record cannot be read"));
      return FALSE;
    }

  if (!resolution->keep_local)
    return fw_cache_save_record (self, record, error);

  /* Ours, sent again as an edit of the server's version. */
  fw_record_set_revision (record, conflict->server_revision);
  return fw_cache_record_change (self, record, fw_record_get_deleted (record), error);
}

/**
 * fw_cache_resolve_conflict:
 * @keep_local: %TRUE to send this machine's version again over the
 *   server's; %FALSE to take the server's
 */
gboolean
fw_cache_resolve_conflict (FwCache  *self,
                           gint64    conflict_id,
                           gboolean  keep_local,
                           GError  **error)
{
  Resolution resolution = { conflict_id, keep_local };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);

  return fw_cache_run_in_transaction (self, resolve_conflict_cb, &resolution, error);
}

static gboolean
discard_rejected_cb (FwCache  *self,
                     gpointer  user_data,
                     GError  **error)
{
  gint64 *seq = user_data;
  sqlite3_stmt *stmt;

  stmt = fw_cache_prepare (self, "DELETE FROM outbox WHERE seq = ?1 AND state = 'rejected'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *seq);
  return fw_cache_step (self, stmt, _("discarding a refused change"), error);
}

/**
 * fw_cache_discard_rejected:
 *
 * Forgets a change the server refused; the user has read why.
 */
gboolean
fw_cache_discard_rejected (FwCache  *self,
                           gint64    seq,
                           GError  **error)
{
  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);

  return fw_cache_run_in_transaction (self, discard_rejected_cb, &seq, error);
}

/**
 * fw_cache_get_sync_state:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when unset or
 *   on error (with @error set)
 */
char *
fw_cache_get_sync_state (FwCache     *self,
                         const char  *key,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (FW_IS_CACHE (self), NULL);

  fw_cache_lock (self);
  stmt = fw_cache_prepare (self, "SELECT value FROM sync_state WHERE key = ?1", error);
  if (stmt != NULL)
    {
      int rc;

      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc != SQLITE_DONE)
        fw_cache_fail (self, rc, _("reading the sync state"), error);
      sqlite3_reset (stmt);
    }
  fw_cache_unlock (self);

  return value;
}

typedef struct
{
  const char *key;
  const char *value;
} StateChange;

static gboolean
set_state_cb (FwCache  *self,
              gpointer  user_data,
              GError  **error)
{
  StateChange *change = user_data;
  sqlite3_stmt *stmt;

  if (change->value == NULL)
    stmt = fw_cache_prepare (self, "DELETE FROM sync_state WHERE key = ?1", error);
  else
    stmt = fw_cache_prepare (self, "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, change->key, -1, SQLITE_STATIC);
  if (change->value != NULL)
    sqlite3_bind_text (stmt, 2, change->value, -1, SQLITE_STATIC);
  return fw_cache_step (self, stmt, _("saving the sync state"), error);
}

/**
 * fw_cache_set_sync_state:
 * @value: (nullable): the new value, or %NULL to forget the key
 *
 * Joins an enclosing fw_cache_run_in_transaction(), so that a cursor can
 * be saved together with the page it belongs to.
 */
gboolean
fw_cache_set_sync_state (FwCache     *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  StateChange change = { key, value };

  g_return_val_if_fail (FW_IS_CACHE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return fw_cache_run_in_transaction (self, set_state_cb, &change, error);
}
