/* fw-deploy-card.h — one deployment environment at a glance
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_DEPLOY_CARD (fw_deploy_card_get_type ())

G_DECLARE_FINAL_TYPE (FwDeployCard, fw_deploy_card, FW, DEPLOY_CARD, GtkBox)

GtkWidget      *fw_deploy_card_new           (FwDeployStatus *status);
FwDeployStatus *fw_deploy_card_get_status    (FwDeployCard   *self);
void            fw_deploy_card_update_age    (FwDeployCard   *self,
                                              FwTime          now);

char           *fw_deploy_format_uptime      (gint64          seconds);
char           *fw_deploy_format_traffic     (const FwDeploySnapshot *snapshot);

G_END_DECLS
