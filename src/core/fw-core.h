/* fw-core.h — the core library in one include
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-types.h"
#include "fw-enums.h"
#include "fw-parameter.h"
#include "fw-alert-settings.h"
#include "fw-alert-watch.h"
#include "fw-reading.h"
#include "fw-record.h"
#include "fw-farm.h"
#include "fw-site.h"
#include "fw-unit.h"
#include "fw-sensor.h"
#include "fw-pond-model.h"
#include "fw-logbook-entry.h"
#include "fw-alert.h"
#include "fw-alert-rule.h"
#include "fw-logbook-schema.h"
#include "fw-stock.h"
#include "fw-cache.h"
#include "fw-outbox.h"
#include "fw-sync.h"
#include "fw-demo.h"
#include "fw-deploy-status.h"
#include "fw-format.h"
#include "fw-chart-axis.h"
#include "fw-chart-series.h"
#include "fw-time-range.h"
#include "fw-wire.h"
#include "fw-water.h"
#include "fw-import.h"
#include "fw-csv.h"
#include "fw-report.h"
