/* fw-alerts-page.h — the farm's alerts: what is wrong now, and what was
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"
#include "fw-page.h"

G_BEGIN_DECLS

#define FW_TYPE_ALERTS_PAGE (fw_alerts_page_get_type ())

G_DECLARE_FINAL_TYPE (FwAlertsPage, fw_alerts_page, FW, ALERTS_PAGE, FwPage)

void        fw_alerts_page_show        (FwAlertsPage *self,
                                        FwCache      *cache,
                                        const char   *farm_uuid,
                                        GListModel   *units,
                                        GTimeZone    *timezone);
void        fw_alerts_page_reload      (FwAlertsPage *self);
GListModel *fw_alerts_page_get_alerts  (FwAlertsPage *self);
gboolean    fw_alerts_page_get_loading (FwAlertsPage *self);
void        fw_alerts_page_acknowledge (FwAlertsPage *self,
                                        const char   *uuid);
void        fw_alerts_page_acknowledge_when_loaded (FwAlertsPage *self,
                                                    const char   *uuid);
void        fw_alerts_page_set_can_edit_rules (FwAlertsPage *self,
                                               gboolean      can_edit);

void        fw_alert_save_async        (FwCache             *cache,
                                        GPtrArray           *records,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    fw_alert_save_finish       (GAsyncResult        *result,
                                        GError             **error);
char       *fw_alert_dup_title         (FwAlert             *alert,
                                        GListModel          *units);

G_END_DECLS
