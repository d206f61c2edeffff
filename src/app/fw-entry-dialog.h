/* fw-entry-dialog.h — a logbook entry, typed at the pond side
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_ENTRY_DIALOG (fw_entry_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FwEntryDialog, fw_entry_dialog, FW, ENTRY_DIALOG, AdwWindow)

FwEntryDialog *fw_entry_dialog_new          (GtkWindow     *parent,
                                             FwCache       *cache,
                                             GListModel    *units,
                                             FwUnit        *unit,
                                             GTimeZone     *timezone);
FwEntryDialog *fw_entry_dialog_new_for_entry (GtkWindow     *parent,
                                             FwCache       *cache,
                                             GListModel    *units,
                                             FwLogbookEntry *entry,
                                             GTimeZone     *timezone);
void           fw_entry_dialog_set_kind     (FwEntryDialog *self,
                                             const char    *kind);
GtkWidget     *fw_entry_dialog_get_row      (FwEntryDialog *self,
                                             const char    *key);
const char    *fw_entry_dialog_get_problems (FwEntryDialog *self);
gboolean       fw_entry_dialog_get_saving   (FwEntryDialog *self);

G_END_DECLS
