/* fw-deploy-environment-dialog.h — where an environment is watched from
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_DEPLOY_ENVIRONMENT_DIALOG (fw_deploy_environment_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FwDeployEnvironmentDialog, fw_deploy_environment_dialog, FW, DEPLOY_ENVIRONMENT_DIALOG, AdwWindow)

FwDeployEnvironmentDialog *fw_deploy_environment_dialog_new (GtkWindow            *parent,
                                                             const FwDeployConfig *config);
gboolean                   fw_deploy_environment_dialog_save (FwDeployEnvironmentDialog *self);

G_END_DECLS
