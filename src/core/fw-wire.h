/* fw-wire.h — the JSON form of every synced record, shared by every side
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "fw-record.h"

G_BEGIN_DECLS

#define FW_WIRE_ERROR (fw_wire_error_quark ())

typedef enum
{
  FW_WIRE_ERROR_MALFORMED,
  FW_WIRE_ERROR_MISSING,
  FW_WIRE_ERROR_WRONG_TYPE,
  FW_WIRE_ERROR_OUT_OF_RANGE,
  FW_WIRE_ERROR_UNKNOWN_ENTITY,
} FwWireError;

typedef enum
{
  FW_ENTITY_FARM,
  FW_ENTITY_SITE,
  FW_ENTITY_UNIT,
  FW_ENTITY_SENSOR,
  FW_ENTITY_LOGBOOK_ENTRY,
  FW_ENTITY_ALERT_RULE,
  FW_ENTITY_ALERT,
} FwEntity;

#define FW_N_ENTITIES (FW_ENTITY_ALERT + 1)

/* How far ahead of the receiver's clock a time may be: clocks drift. */
#define FW_WIRE_FUTURE_TOLERANCE 300

GQuark      fw_wire_error_quark     (void);

const char *fw_entity_to_string     (FwEntity     entity);
const char *fw_entity_get_label     (FwEntity     entity);
gboolean    fw_entity_from_string   (const char  *text,
                                     FwEntity    *entity);
FwEntity    fw_entity_of_record     (FwRecord    *record);

char       *fw_wire_format_time     (FwTime       time);
gboolean    fw_wire_parse_time      (const char  *text,
                                     FwTime      *time);

JsonNode   *fw_wire_encode_record   (FwRecord    *record);
FwRecord   *fw_wire_decode_record   (FwEntity     entity,
                                     JsonNode    *node,
                                     FwTime       now,
                                     char       **field,
                                     GError     **error);

const char *fw_wire_get_parent_uuid (FwRecord    *record);

G_END_DECLS
