/* fw-logbook-schema.h — what each kind of logbook entry holds, and checks
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fw-types.h"

G_BEGIN_DECLS

typedef enum
{
  FW_FIELD_NUMBER,    /* a decimal number within [min, max] */
  FW_FIELD_COUNT,     /* a whole number within [min, max] */
  FW_FIELD_TEXT,      /* free text; choices, if any, are suggestions */
  FW_FIELD_CHOICE,    /* one of the choices */
  FW_FIELD_UNIT,      /* another unit of the farm, by UUID */
} FwFieldType;

typedef struct
{
  const char  *key;          /* in the payload */
  const char  *label;        /* untranslated, for gettext */
  const char  *unit;         /* of measure, as printed, or "" */
  FwFieldType  type;
  gboolean     required;
  double       min;
  double       max;
  const char * const *choices;   /* NULL-terminated, untranslated ids */
} FwField;

/* What an entry must fit beyond its own fields. */
typedef struct
{
  const char *unit_uuid;     /* the unit the entry is for */
  gint64      fish_alive;    /* before the entry; -1 when not known */
  FwTime      now;
} FwLogbookContext;

/* One thing wrong with an entry: the field (or NULL for the entry as a
 * whole) and what to say next to it. */
typedef struct
{
  char *key;
  char *message;
} FwFieldProblem;

/* Entries may be dated a little ahead: clocks on phones drift. */
#define FW_LOGBOOK_FUTURE_TOLERANCE (10 * 60)

const FwField *fw_logbook_kind_get_fields      (const char             *kind,
                                                guint                  *n_fields);
const char    *fw_field_choice_get_label       (const char             *choice);
GPtrArray     *fw_logbook_validate             (const char             *kind,
                                                FwTime                  occurred_at,
                                                JsonObject             *payload,
                                                const FwLogbookContext *context);
GPtrArray     *fw_logbook_problem_new          (const char             *key,
                                                const char             *message);
char          *fw_field_problems_to_string     (GPtrArray              *problems);
double         fw_logbook_payload_number       (JsonObject             *payload,
                                                const char             *key);
char          *fw_logbook_summarize            (const char             *kind,
                                                const char             *payload_json);

G_END_DECLS
