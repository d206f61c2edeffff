/* fw-alert-engine.h — the server's alert evaluation: readings in, alerts out
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-store.h"

G_BEGIN_DECLS

/* How often the server looks for sensors that have gone silent. */
#define FW_ALERT_ENGINE_TICK_SECONDS 30

#define FW_TYPE_ALERT_ENGINE (fw_alert_engine_get_type ())

G_DECLARE_FINAL_TYPE (FwAlertEngine, fw_alert_engine, FW, ALERT_ENGINE, GObject)

FwAlertEngine *fw_alert_engine_new           (FwStore       *store);
guint          fw_alert_engine_ingest        (FwAlertEngine *self,
                                              GPtrArray     *batches,
                                              FwTime         now);
guint          fw_alert_engine_tick          (FwAlertEngine *self,
                                              FwTime         now);
void           fw_alert_engine_forget_rules  (FwAlertEngine *self);
guint          fw_alert_engine_get_n_watches (FwAlertEngine *self);

G_END_DECLS
