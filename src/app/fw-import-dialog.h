/* fw-import-dialog.h — sensor history from another system's CSV, mapped by hand
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_IMPORT_DIALOG (fw_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FwImportDialog, fw_import_dialog, FW, IMPORT_DIALOG, AdwWindow)

FwImportDialog *fw_import_dialog_new            (GtkWindow      *parent,
                                                 FwCache        *cache,
                                                 GListModel     *units,
                                                 FwUnit         *unit,
                                                 GTimeZone      *timezone);
void            fw_import_dialog_load           (FwImportDialog *self,
                                                 GFile          *file);
void            fw_import_dialog_map_column     (FwImportDialog *self,
                                                 const char     *column,
                                                 int             parameter);
gboolean        fw_import_dialog_get_can_check  (FwImportDialog *self);
const char     *fw_import_dialog_get_report     (FwImportDialog *self);
gboolean        fw_import_dialog_get_can_import (FwImportDialog *self);

G_END_DECLS
