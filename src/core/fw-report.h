/* fw-report.h — the logbook and the stock as CSV
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fw-logbook-entry.h"
#include "fw-stock.h"

G_BEGIN_DECLS

void fw_report_logbook_header (GString         *csv);
void fw_report_logbook_row    (GString         *csv,
                               FwLogbookEntry  *entry,
                               const char      *unit_name,
                               const char      *state,
                               GTimeZone       *timezone);
void fw_report_stock_header   (GString         *csv);
void fw_report_stock_row      (GString         *csv,
                               const char      *unit_name,
                               const FwStock   *stock);

G_END_DECLS
