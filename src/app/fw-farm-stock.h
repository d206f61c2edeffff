/* fw-farm-stock.h — the stock of every unit of a farm, in a table
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"
#include "fw-page.h"

G_BEGIN_DECLS

#define FW_TYPE_FARM_STOCK (fw_farm_stock_get_type ())

G_DECLARE_FINAL_TYPE (FwFarmStock, fw_farm_stock, FW, FARM_STOCK, FwPage)

void           fw_farm_stock_show        (FwFarmStock *self,
                                          FwCache     *cache,
                                          GListModel  *units);
gboolean       fw_farm_stock_get_loading (FwFarmStock *self);
GListModel    *fw_farm_stock_get_rows    (FwFarmStock *self);
GtkColumnView *fw_farm_stock_get_table   (FwFarmStock *self);

G_END_DECLS
