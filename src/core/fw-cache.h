/* fw-cache.h — the local SQLite cache
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-database.h"
#include "fw-farm.h"
#include "fw-logbook-entry.h"
#include "fw-reading.h"
#include "fw-sensor.h"
#include "fw-site.h"
#include "fw-unit.h"

G_BEGIN_DECLS

#define FW_TYPE_CACHE (fw_cache_get_type ())

G_DECLARE_FINAL_TYPE (FwCache, fw_cache, FW, CACHE, GObject)

typedef gboolean (*FwCacheTransactionFunc) (FwCache   *cache,
                                            gpointer   user_data,
                                            GError   **error);

char       *fw_cache_get_default_path          (void);
guint       fw_cache_get_latest_schema_version (void);

FwCache    *fw_cache_open                      (const char           *path,
                                                GCancellable         *cancellable,
                                                GError              **error);
void        fw_cache_open_async                (const char           *path,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
FwCache    *fw_cache_open_finish               (GAsyncResult         *result,
                                                GError              **error);

const char *fw_cache_get_path                  (FwCache              *self);
guint       fw_cache_get_schema_version        (FwCache              *self);

gboolean    fw_cache_run_in_transaction        (FwCache              *self,
                                                FwCacheTransactionFunc func,
                                                gpointer              user_data,
                                                GError              **error);

gboolean    fw_cache_save_farm                 (FwCache              *self,
                                                FwFarm               *farm,
                                                GError              **error);
gboolean    fw_cache_save_site                 (FwCache              *self,
                                                FwSite               *site,
                                                GError              **error);
gboolean    fw_cache_save_unit                 (FwCache              *self,
                                                FwUnit               *unit,
                                                GError              **error);
gboolean    fw_cache_save_sensor               (FwCache              *self,
                                                FwSensor             *sensor,
                                                GError              **error);
gboolean    fw_cache_save_logbook_entry        (FwCache              *self,
                                                FwLogbookEntry       *entry,
                                                GError              **error);
gboolean    fw_cache_save_record               (FwCache              *self,
                                                FwRecord             *record,
                                                GError              **error);
gboolean    fw_cache_insert_readings           (FwCache              *self,
                                                gint64                sensor_id,
                                                const FwReading      *readings,
                                                gsize                 n_readings,
                                                GError              **error);

GPtrArray  *fw_cache_list_farms                (FwCache              *self,
                                                GError              **error);
FwFarm     *fw_cache_lookup_farm               (FwCache              *self,
                                                const char           *uuid,
                                                GError              **error);
GHashTable *fw_cache_get_unit_names            (FwCache              *self,
                                                GError              **error);
GPtrArray  *fw_cache_list_sites                (FwCache              *self,
                                                gint64                farm_id,
                                                GError              **error);
GPtrArray  *fw_cache_list_units                (FwCache              *self,
                                                gint64                farm_id,
                                                FwTime                now,
                                                GError              **error);
GPtrArray  *fw_cache_list_sensors              (FwCache              *self,
                                                gint64                unit_id,
                                                FwTime                now,
                                                GError              **error);
GArray     *fw_cache_get_readings              (FwCache              *self,
                                                gint64                sensor_id,
                                                FwTime                from,
                                                FwTime                to,
                                                GError              **error);
gboolean    fw_cache_get_latest_reading        (FwCache              *self,
                                                gint64                sensor_id,
                                                FwReading            *reading,
                                                GError              **error);
GPtrArray  *fw_cache_list_alerts               (FwCache              *self,
                                                const char           *farm_uuid,
                                                GError              **error);
GPtrArray  *fw_cache_list_alert_rules          (FwCache              *self,
                                                const char           *farm_uuid,
                                                GError              **error);
GPtrArray  *fw_cache_list_logbook              (FwCache              *self,
                                                const char           *unit_uuid,
                                                GError              **error);
gboolean    fw_cache_get_first_time            (FwCache              *self,
                                                gint64                sensor_id,
                                                FwTime               *first,
                                                GError              **error);
gint64      fw_cache_count_readings            (FwCache              *self,
                                                GError              **error);
gboolean    fw_cache_roll_up_readings          (FwCache              *self,
                                                FwTime                before,
                                                gint64               *n_rolled_up,
                                                GError              **error);
gboolean    fw_cache_get_folded_before         (FwCache              *self,
                                                FwTime               *folded_before,
                                                GError              **error);
GArray     *fw_cache_get_buckets               (FwCache              *self,
                                                gint64                sensor_id,
                                                FwTime                from,
                                                FwTime                to,
                                                FwSpan                span,
                                                GError              **error);

void        fw_cache_list_farms_async          (FwCache              *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void        fw_cache_list_units_async          (FwCache              *self,
                                                gint64                farm_id,
                                                FwTime                now,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void        fw_cache_list_sensors_async        (FwCache              *self,
                                                gint64                unit_id,
                                                FwTime                now,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray  *fw_cache_list_finish               (FwCache              *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
