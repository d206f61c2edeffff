/* fw-alert-monitor.h — the farm's open alerts, counted, and told to people
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_ALERT_MONITOR (fw_alert_monitor_get_type ())

G_DECLARE_FINAL_TYPE (FwAlertMonitor, fw_alert_monitor, FW, ALERT_MONITOR, GObject)

FwAlertMonitor *fw_alert_monitor_new              (GApplication   *application);
void            fw_alert_monitor_watch            (FwAlertMonitor *self,
                                                   FwCache        *cache,
                                                   const char     *farm_uuid,
                                                   GListModel     *units);
void            fw_alert_monitor_refresh          (FwAlertMonitor *self);
guint           fw_alert_monitor_get_n_firing     (FwAlertMonitor *self);
FwSeverity      fw_alert_monitor_get_unit_severity (FwAlertMonitor *self,
                                                    const char     *unit_uuid);
gboolean        fw_alert_monitor_get_can_edit_rules (FwAlertMonitor *self);
GPtrArray      *fw_alert_monitor_get_alerts       (FwAlertMonitor *self);
GPtrArray      *fw_alert_monitor_get_rules        (FwAlertMonitor *self);
FwAlert        *fw_alert_monitor_find             (FwAlertMonitor *self,
                                                   const char     *uuid);
void            fw_alert_monitor_remind           (FwAlertMonitor *self,
                                                   FwTime          now);

G_END_DECLS
