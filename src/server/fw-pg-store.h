/* fw-pg-store.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-store.h"

G_BEGIN_DECLS

#define FW_TYPE_PG_STORE (fw_pg_store_get_type ())

G_DECLARE_FINAL_TYPE (FwPgStore, fw_pg_store, FW, PG_STORE, GObject)

gboolean   fw_pg_store_is_conninfo (const char  *db);
FwPgStore *fw_pg_store_open        (const char  *conninfo,
                                    guint        n_connections,
                                    GError     **error);

G_END_DECLS
