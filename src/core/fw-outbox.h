/* fw-outbox.h — local changes waiting for the server, and sync bookkeeping
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-cache.h"
#include "fw-wire.h"

G_BEGIN_DECLS

typedef enum
{
  FW_OUTBOX_PENDING,
  FW_OUTBOX_REJECTED,
  FW_OUTBOX_CONFLICT,
} FwOutboxState;

typedef struct
{
  gint64         seq;
  char          *mutation_id;
  FwEntity       entity;
  char          *record_uuid;
  gboolean       delete;
  gint64         base_revision;
  char          *payload;        /* the record as JSON, as it was saved */
  FwOutboxState  state;
  char          *error;          /* why the server refused it */
  FwTime         created_at;
} FwOutboxEntry;

void        fw_outbox_entry_free        (FwOutboxEntry  *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwOutboxEntry, fw_outbox_entry_free)

/* Both sides of an edit the server refused as a conflict. */
typedef struct
{
  gint64    id;
  FwEntity  entity;
  char     *record_uuid;
  char     *local_payload;
  char     *server_payload;
  gint64    server_revision;
  FwTime    detected_at;
} FwConflict;

void        fw_conflict_free            (FwConflict     *conflict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwConflict, fw_conflict_free)

gboolean    fw_cache_record_change      (FwCache        *self,
                                         FwRecord       *record,
                                         gboolean        delete,
                                         GError        **error);
GPtrArray  *fw_cache_list_outbox        (FwCache        *self,
                                         FwOutboxState   state,
                                         guint           limit,
                                         GError        **error);
gboolean    fw_cache_count_outbox       (FwCache        *self,
                                         guint          *pending,
                                         guint          *rejected,
                                         guint          *conflicts,
                                         GError        **error);
gboolean    fw_cache_outbox_applied     (FwCache        *self,
                                         FwOutboxEntry  *entry,
                                         gint64          revision,
                                         GError        **error);
gboolean    fw_cache_outbox_refused     (FwCache        *self,
                                         FwOutboxEntry  *entry,
                                         FwOutboxState   state,
                                         const char     *reason,
                                         const char     *server_record,
                                         gint64          server_revision,
                                         GError        **error);
gboolean    fw_cache_has_pending_change (FwCache        *self,
                                         const char     *record_uuid,
                                         gboolean       *pending,
                                         GError        **error);

GPtrArray  *fw_cache_list_conflicts     (FwCache        *self,
                                         GError        **error);
gboolean    fw_cache_resolve_conflict   (FwCache        *self,
                                         gint64          conflict_id,
                                         gboolean        keep_local,
                                         GError        **error);
gboolean    fw_cache_discard_rejected   (FwCache        *self,
                                         gint64          seq,
                                         GError        **error);

char       *fw_cache_get_sync_state     (FwCache        *self,
                                         const char     *key,
                                         GError        **error);
gboolean    fw_cache_set_sync_state     (FwCache        *self,
                                         const char     *key,
                                         const char     *value,
                                         GError        **error);

G_END_DECLS
