/* fw-deploy-page.h — the deployment environments, for administrators
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-core.h"
#include "fw-page.h"
#include "fw-sync-controller.h"

G_BEGIN_DECLS

#define FW_TYPE_DEPLOY_PAGE (fw_deploy_page_get_type ())

G_DECLARE_FINAL_TYPE (FwDeployPage, fw_deploy_page, FW, DEPLOY_PAGE, FwPage)

void        fw_deploy_page_set_sync_controller (FwDeployPage     *self,
                                                FwSyncController *controller);
gboolean    fw_deploy_page_get_available       (FwDeployPage     *self);
void        fw_deploy_page_reload              (FwDeployPage     *self);
void        fw_deploy_page_refresh             (FwDeployPage     *self);
GListModel *fw_deploy_page_get_environments    (FwDeployPage     *self);
void        fw_deploy_page_add_status          (FwDeployPage     *self,
                                                FwDeployStatus   *status);

G_END_DECLS
