/* fw-unit-logbook.h — a unit's logbook and the stock it adds up to
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_UNIT_LOGBOOK (fw_unit_logbook_get_type ())

G_DECLARE_FINAL_TYPE (FwUnitLogbook, fw_unit_logbook, FW, UNIT_LOGBOOK, GtkBox)

#define FW_TYPE_UNIT_STOCK (fw_unit_stock_get_type ())

G_DECLARE_FINAL_TYPE (FwUnitStock, fw_unit_stock, FW, UNIT_STOCK, AdwBin)

void        fw_unit_logbook_show        (FwUnitLogbook *self,
                                         FwCache       *cache,
                                         FwUnit        *unit,
                                         GTimeZone     *timezone);
void        fw_unit_logbook_show_farm   (FwUnitLogbook *self,
                                         FwCache       *cache,
                                         GListModel    *units,
                                         GTimeZone     *timezone);
void        fw_unit_logbook_reload      (FwUnitLogbook *self);
GListModel *fw_unit_logbook_get_entries (FwUnitLogbook *self);
gboolean    fw_unit_logbook_get_loading (FwUnitLogbook *self);
void        fw_unit_logbook_delete      (FwUnitLogbook  *self,
                                         FwLogbookEntry *entry);
void        fw_unit_logbook_set_stock_view (FwUnitLogbook *self,
                                         FwUnitStock   *stock);

void        fw_unit_stock_set_stock     (FwUnitStock   *self,
                                         const FwStock *stock);

G_END_DECLS
