/* fw-sqlite-store.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-store.h"

G_BEGIN_DECLS

#define FW_TYPE_SQLITE_STORE (fw_sqlite_store_get_type ())

G_DECLARE_FINAL_TYPE (FwSqliteStore, fw_sqlite_store, FW, SQLITE_STORE, GObject)

FwSqliteStore *fw_sqlite_store_open (const char  *path,
                                     guint        n_connections,
                                     GError     **error);

G_END_DECLS
