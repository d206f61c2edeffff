/* fw-types.h — forward declarations of the core library's types
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FwCache   FwCache;
typedef struct _FwFarm    FwFarm;
typedef struct _FwRecord  FwRecord;
typedef struct _FwSensor  FwSensor;
typedef struct _FwSite    FwSite;
typedef struct _FwUnit    FwUnit;

typedef struct _FwReading FwReading;

/* Times in the core library are whole seconds since the Unix epoch, UTC.
 * Sensors report at most once a minute, so seconds are exact and keep the
 * readings table small. */
typedef gint64 FwTime;

G_END_DECLS
