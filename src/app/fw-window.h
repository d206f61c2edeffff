/* fw-window.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"
#include "fw-sync-controller.h"
#include "fw-alert-monitor.h"
#include "fw-alerts-page.h"
#include "fw-unit-page.h"

G_BEGIN_DECLS

#define FW_TYPE_WINDOW (fw_window_get_type ())

G_DECLARE_FINAL_TYPE (FwWindow, fw_window, FW, WINDOW, AdwApplicationWindow)

FwWindow    *fw_window_new           (GtkApplication *application);
void         fw_window_set_cache     (FwWindow       *self,
                                      FwCache        *cache,
                                      gboolean        demo);
void         fw_window_show_error    (FwWindow       *self,
                                      const GError   *error);
void         fw_window_set_sync_controller (FwWindow *self,
                                      FwSyncController *controller);
FwSyncController *fw_window_get_sync_controller (FwWindow *self);
const char  *fw_window_get_state     (FwWindow       *self);
GListModel  *fw_window_get_units     (FwWindow       *self);
FwUnitPage  *fw_window_get_unit_page (FwWindow       *self);
FwAlertsPage *fw_window_get_alerts_page (FwWindow     *self);
FwAlertMonitor *fw_window_get_alert_monitor (FwWindow *self);
void         fw_window_show_alert    (FwWindow       *self,
                                      const char     *uuid,
                                      gboolean        acknowledge);
gboolean     fw_window_select_unit   (FwWindow       *self,
                                      const char     *uuid);

G_END_DECLS
