/* fw-deploy-status.h — the health of one deployment environment
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-deploy-snapshot.h"

G_BEGIN_DECLS

FwDeploySnapshot *fw_deploy_fetch           (const FwDeployConfig *config,
                                             GCancellable      *cancellable);

#define FW_TYPE_DEPLOY_STATUS (fw_deploy_status_get_type ())

G_DECLARE_FINAL_TYPE (FwDeployStatus, fw_deploy_status, FW, DEPLOY_STATUS, GObject)

FwDeployStatus         *fw_deploy_status_new            (const FwDeployConfig *config);
const FwDeployConfig   *fw_deploy_status_get_config     (FwDeployStatus    *self);
const FwDeploySnapshot *fw_deploy_status_get_snapshot   (FwDeployStatus    *self);
FwDeployState           fw_deploy_status_get_state      (FwDeployStatus    *self);
const char             *fw_deploy_status_get_reason     (FwDeployStatus    *self);
gboolean                fw_deploy_status_get_stale      (FwDeployStatus    *self);
const char             *fw_deploy_status_get_stale_reason (FwDeployStatus  *self);
gboolean                fw_deploy_status_get_refreshing (FwDeployStatus    *self);
guint                   fw_deploy_status_get_failures   (FwDeployStatus    *self);
void                    fw_deploy_status_set_snapshot   (FwDeployStatus    *self,
                                                         FwDeploySnapshot  *snapshot);
void                    fw_deploy_status_restore        (FwDeployStatus    *self,
                                                         FwDeploySnapshot  *snapshot,
                                                         const char        *reason);
void                    fw_deploy_status_refresh_async  (FwDeployStatus    *self,
                                                         GCancellable      *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer           user_data);
gboolean                fw_deploy_status_refresh_finish (FwDeployStatus    *self,
                                                         GAsyncResult      *result,
                                                         GError           **error);

void     fw_deploy_check_admin_async  (const char          *api_url,
                                       const char          *token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean fw_deploy_check_admin_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
