/* fw-unit-row.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_UNIT_ROW (fw_unit_row_get_type ())

G_DECLARE_FINAL_TYPE (FwUnitRow, fw_unit_row, FW, UNIT_ROW, GtkListBoxRow)

GtkWidget *fw_unit_row_new      (FwUnit    *unit);
FwUnit    *fw_unit_row_get_unit (FwUnitRow *self);

G_END_DECLS
