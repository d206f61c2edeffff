/* fw-sync-controller.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_SYNC_CONTROLLER (fw_sync_controller_get_type ())

G_DECLARE_FINAL_TYPE (FwSyncController, fw_sync_controller, FW, SYNC_CONTROLLER, GObject)

FwSyncController *fw_sync_controller_new             (FwCache            *cache,
                                                      GSettings          *settings);
GSettings        *fw_sync_controller_get_settings    (FwSyncController   *self);
FwSyncState       fw_sync_controller_get_state       (FwSyncController   *self);
const char       *fw_sync_controller_get_description (FwSyncController   *self);
guint             fw_sync_controller_get_pending     (FwSyncController   *self);
FwTime            fw_sync_controller_get_last_success (FwSyncController  *self);
const char       *fw_sync_controller_get_server_url  (FwSyncController   *self);
const char       *fw_sync_controller_get_username    (FwSyncController   *self);
const char       *fw_sync_controller_get_token       (FwSyncController   *self);
char             *fw_sync_controller_dup_ca_file     (FwSyncController   *self);
void              fw_sync_controller_sync_now        (FwSyncController   *self);
void              fw_sync_controller_refresh         (FwSyncController   *self);
void              fw_sync_controller_sign_in_async   (FwSyncController   *self,
                                                      const char         *server_url,
                                                      const char         *username,
                                                      const char         *password,
                                                      const char         *ca_file,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean          fw_sync_controller_sign_in_finish  (FwSyncController   *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void              fw_sync_controller_sign_out        (FwSyncController   *self);

G_END_DECLS
