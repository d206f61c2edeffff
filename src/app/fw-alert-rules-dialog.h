/* fw-alert-rules-dialog.h — a manager's alert limits, and maintenance
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_ALERT_RULES_DIALOG (fw_alert_rules_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FwAlertRulesDialog, fw_alert_rules_dialog, FW, ALERT_RULES_DIALOG, AdwWindow)

FwAlertRulesDialog *fw_alert_rules_dialog_new (GtkWindow  *parent,
                                               FwCache    *cache,
                                               const char *farm_uuid,
                                               GListModel *units,
                                               GPtrArray  *rules,
                                               FwUnit     *unit,
                                               GTimeZone  *timezone);

G_END_DECLS
