/* fw-sync.h — pushing local changes and pulling the server's, over HTTP
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-cache.h"

G_BEGIN_DECLS

#define FW_SYNC_ERROR (fw_sync_error_quark ())

typedef enum
{
  FW_SYNC_ERROR_UNAUTHORIZED,   /* sign in again; nothing local is lost */
  FW_SYNC_ERROR_UNREACHABLE,    /* no answer: link down, refused, timed out */
  FW_SYNC_ERROR_CERTIFICATE,    /* the server's certificate is not trusted */
  FW_SYNC_ERROR_THROTTLED,      /* 429 or 503: wait as the server asks */
  FW_SYNC_ERROR_SERVER,         /* the server failed (5xx) */
  FW_SYNC_ERROR_PROTOCOL,       /* an answer cut short or not understood */
  FW_SYNC_ERROR_REFUSED,        /* the server said no; trying again won't help */
  FW_SYNC_ERROR_INVALID,        /* the settings are wrong (URL, CA file) */
} FwSyncError;

/* What the app shows of sync, worst news last. */
typedef enum
{
  FW_SYNC_STATE_SIGNED_OUT,
  FW_SYNC_STATE_SYNCING,
  FW_SYNC_STATE_UP_TO_DATE,
  FW_SYNC_STATE_OFFLINE,
  FW_SYNC_STATE_FAILING,
  FW_SYNC_STATE_NEEDS_SIGN_IN,
} FwSyncState;

typedef struct
{
  const char *server_url;
  const char *token;
  const char *ca_file;           /* NULL: the system's trusted certificates */
  guint       timeout;           /* seconds per request; 0 for 30 */
  guint       raw_history_days;  /* readings to keep; 0 not to pull readings */
} FwSyncConfig;

typedef struct
{
  guint    pushed;
  guint    applied;
  guint    rejected;
  guint    conflicts;
  guint    changes;
  gint64   readings;
  gboolean resynced;
  guint    retry_after;          /* seconds, with FW_SYNC_ERROR_THROTTLED */
} FwSyncReport;

GQuark    fw_sync_error_quark        (void);
char     *fw_sync_describe           (FwSyncState          state,
                                      guint                pending,
                                      FwTime               last_success,
                                      GTimeZone           *timezone,
                                      const char          *reason);
gboolean  fw_sync_error_is_transient (const GError        *error);
guint     fw_sync_backoff_delay      (guint                failures,
                                      guint                retry_after,
                                      double               jitter);

char     *fw_sync_sign_in            (const FwSyncConfig  *config,
                                      const char          *username,
                                      const char          *password,
                                      GCancellable        *cancellable,
                                      GError             **error);
gboolean  fw_sync_sign_out           (const FwSyncConfig  *config,
                                      GCancellable        *cancellable,
                                      GError             **error);
gboolean  fw_sync_run                (FwCache             *cache,
                                      const FwSyncConfig  *config,
                                      FwSyncReport        *report,
                                      GCancellable        *cancellable,
                                      GError             **error);
FwTime    fw_sync_get_last_success   (FwCache             *cache);
char     *fw_sync_dup_last_error     (FwCache             *cache);
gboolean  fw_sync_dup_account        (FwCache             *cache,
                                      char               **name,
                                      char               **role);

G_END_DECLS
