/* fw-format.h — how values and times read to a person
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fw-parameter.h"
#include "fw-types.h"

G_BEGIN_DECLS

char *fw_format_value           (FwParameter  parameter,
                                 double       value);
char *fw_format_value_with_unit (FwParameter  parameter,
                                 double       value);
char *fw_format_slope           (FwParameter  parameter,
                                 double       slope_per_hour);
char *fw_format_area            (double       square_metres);
char *fw_format_volume          (double       cubic_metres);
char *fw_format_age             (FwTime       then,
                                 FwTime       now);

G_END_DECLS
