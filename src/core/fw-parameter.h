/* fw-parameter.h — what a sensor measures, and what its values mean
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fw-types.h"

G_BEGIN_DECLS

typedef enum
{
  FW_PARAMETER_TEMPERATURE,
  FW_PARAMETER_DISSOLVED_OXYGEN,
  FW_PARAMETER_PH,
  FW_PARAMETER_TOTAL_AMMONIA,
  FW_PARAMETER_NITRITE,
  FW_PARAMETER_SALINITY,
  FW_PARAMETER_TURBIDITY,
} FwParameter;

#define FW_N_PARAMETERS (FW_PARAMETER_TURBIDITY + 1)

/* Ordered from good to bad, so that the worst of several is the largest. */
typedef enum
{
  FW_STATUS_OK,
  FW_STATUS_NO_DATA,
  FW_STATUS_SILENT,
  FW_STATUS_WARNING,
  FW_STATUS_CRITICAL,
} FwStatus;

typedef enum
{
  FW_TREND_UNKNOWN,
  FW_TREND_STEADY,
  FW_TREND_RISING,
  FW_TREND_FALLING,
} FwTrend;

typedef struct
{
  FwParameter  parameter;
  const char  *id;             /* wire and database name */
  const char  *label;          /* untranslated, for gettext */
  const char  *short_label;    /* untranslated, for gettext */
  const char  *unit;           /* unit of measure as printed */
  int          digits;         /* decimals worth showing */
  double       plausible_min;  /* outside: a sensor fault, not water */
  double       plausible_max;
  double       critical_low;   /* NAN where there is no such limit */
  double       warning_low;
  double       warning_high;
  double       critical_high;
  double       steady_per_hour; /* a slower change reads as "steady" */
} FwParameterInfo;

/* Warning and critical levels; NAN where there is none. */
typedef struct
{
  double critical_low;
  double warning_low;
  double warning_high;
  double critical_high;
} FwLimits;

const FwParameterInfo *fw_parameter_get_info      (FwParameter  parameter);
void                   fw_parameter_get_limits    (FwParameter  parameter,
                                                   FwLimits    *limits);
gboolean               fw_parameter_from_id       (const char  *id,
                                                   FwParameter *parameter);
const char            *fw_parameter_to_id         (FwParameter  parameter);
const char            *fw_parameter_get_label     (FwParameter  parameter);
const char            *fw_parameter_get_short_label (FwParameter parameter);
const char            *fw_parameter_get_unit      (FwParameter  parameter);
FwStatus               fw_parameter_classify      (FwParameter  parameter,
                                                   double       value);
FwStatus               fw_status_worst            (FwStatus     a,
                                                   FwStatus     b);
const char            *fw_status_to_string        (FwStatus     status);
const char            *fw_status_get_label        (FwStatus     status);
const char            *fw_trend_get_label         (FwTrend      trend);

G_END_DECLS
