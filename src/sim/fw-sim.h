/* fw-sim.h — a farm's sensor gateway, simulated, pushing to a server
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_SIM_ERROR (fw_sim_error_quark ())

typedef enum
{
  FW_SIM_ERROR_INVALID_ARGUMENT,
  FW_SIM_ERROR_UNAUTHORIZED,
  FW_SIM_ERROR_REFUSED,
  FW_SIM_ERROR_PROTOCOL,
  FW_SIM_ERROR_NO_SENSORS,
} FwSimError;

/* What the backend accepts in one ingest request. */
#define FW_SIM_MAX_READINGS_PER_REQUEST 100000
#define FW_SIM_MAX_BODY_BYTES (8 * 1024 * 1024)

#define FW_SIM_DEFAULT_PUSH_EVERY 60
#define FW_SIM_DEFAULT_CONCURRENCY 2

#define FW_TYPE_SIM (fw_sim_get_type ())

G_DECLARE_FINAL_TYPE (FwSim, fw_sim, FW, SIM, GObject)

GQuark       fw_sim_error_quark               (void);

FwSim       *fw_sim_new                       (const char           *server_url,
                                               const char           *token);
const char  *fw_sim_get_server_url            (FwSim                *self);

FwTime       fw_sim_get_backfill              (FwSim                *self);
void         fw_sim_set_backfill              (FwSim                *self,
                                               FwTime                seconds);
double       fw_sim_get_speed                 (FwSim                *self);
void         fw_sim_set_speed                 (FwSim                *self,
                                               double                speed);
gint64       fw_sim_get_duration              (FwSim                *self);
void         fw_sim_set_duration              (FwSim                *self,
                                               gint64                seconds);
guint        fw_sim_get_push_every            (FwSim                *self);
void         fw_sim_set_push_every            (FwSim                *self,
                                               guint                 seconds);
guint64      fw_sim_get_seed                  (FwSim                *self);
void         fw_sim_set_seed                  (FwSim                *self,
                                               guint64               seed);
FwTime       fw_sim_get_now                   (FwSim                *self);
void         fw_sim_set_now                   (FwSim                *self,
                                               FwTime                now);
guint        fw_sim_get_readings_per_request  (FwSim                *self);
void         fw_sim_set_readings_per_request  (FwSim                *self,
                                               guint                 readings);
guint        fw_sim_get_sensors_per_request   (FwSim                *self);
void         fw_sim_set_sensors_per_request   (FwSim                *self,
                                               guint                 sensors);
guint        fw_sim_get_concurrency           (FwSim                *self);
void         fw_sim_set_concurrency           (FwSim                *self,
                                               guint                 requests);
gboolean     fw_sim_add_fault                 (FwSim                *self,
                                               const char           *spec,
                                               GError              **error);

void         fw_sim_run_async                 (FwSim                *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean     fw_sim_run_finish                (FwSim                *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void         fw_sim_stop                      (FwSim                *self);

double       fw_sim_get_backfill_progress     (FwSim                *self);
guint        fw_sim_get_n_sensors             (FwSim                *self);
FwTime       fw_sim_get_simulated_time        (FwSim                *self);
guint64      fw_sim_get_pushed                (FwSim                *self);
guint64      fw_sim_get_accepted              (FwSim                *self);
guint64      fw_sim_get_rejected              (FwSim                *self);
guint64      fw_sim_get_requests              (FwSim                *self);
guint64      fw_sim_get_retries               (FwSim                *self);
double       fw_sim_get_elapsed               (FwSim                *self);

G_END_DECLS
