/* fw-logbook-entry.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-record.h"

G_BEGIN_DECLS

#define FW_TYPE_LOGBOOK_ENTRY (fw_logbook_entry_get_type ())

G_DECLARE_FINAL_TYPE (FwLogbookEntry, fw_logbook_entry, FW, LOGBOOK_ENTRY, FwRecord)

gboolean    fw_logbook_kind_is_valid          (const char     *kind);
const char *fw_logbook_kind_get_label         (const char     *kind);

const char *fw_logbook_entry_get_unit_uuid    (FwLogbookEntry *self);
const char *fw_logbook_entry_get_kind         (FwLogbookEntry *self);
FwTime      fw_logbook_entry_get_occurred_at  (FwLogbookEntry *self);
const char *fw_logbook_entry_get_author_uuid  (FwLogbookEntry *self);
const char *fw_logbook_entry_get_payload      (FwLogbookEntry *self);

G_END_DECLS
