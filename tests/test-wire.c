/* test-wire.c — the JSON form of records
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fw-core.h"
#include "fw-test-util.h"

#define NOW G_GINT64_CONSTANT (1795737600)   /* 2026-11-27T00:00:00Z */

static FwRecord *
decode (FwEntity     entity,
        const char  *json,
        char       **field,
        GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return fw_wire_decode_record (entity, node, NOW, field, error);
}

static void
assert_round_trip (FwRecord *record)
{
  g_autoptr(JsonNode) encoded = fw_wire_encode_record (record);
  g_autoptr(GError) error = NULL;
  g_autoptr(FwRecord) decoded = fw_wire_decode_record (fw_entity_of_record (record), encoded, NOW, NULL, &error);
  g_autoptr(JsonNode) again = NULL;

  g_assert_no_error (error);
  g_assert_true (G_OBJECT_TYPE (decoded) == G_OBJECT_TYPE (record));
  again = fw_wire_encode_record (decoded);
  g_assert_true (json_node_equal (encoded, again));
  g_assert_cmpstr (fw_wire_get_parent_uuid (decoded), ==, fw_wire_get_parent_uuid (record));
}

static void
test_wire_round_trip (void)
{
  g_autoptr(GPtrArray) records = fw_demo_build_records (1);
  g_autoptr(FwRecord) entry = NULL;

  /* Every kind of demo record, and a logbook entry with a payload. */
  for (guint i = 0; i < records->len; i++)
    assert_round_trip (g_ptr_array_index (records, i));

  entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                        "unit-uuid", "0b8c6d1e-1111-4111-8111-111111111111",
                        "kind", "mortality",
                        "occurred-at", NOW - 3600,
                        "payload", "{\"count\":3,\"cause\":\"low oxygen\"}",
                        NULL);
  assert_round_trip (entry);
}

static void
test_wire_times (void)
{
  g_autofree char *text = fw_wire_format_time (NOW);
  FwTime parsed;

  g_assert_cmpstr (text, ==, "2026-11-27T00:00:00Z");
  g_assert_true (fw_wire_parse_time ("2026-11-27T06:00:00+06:00", &parsed));
  g_assert_cmpint (parsed, ==, NOW);
  /* No zone: not on the wire. */
  g_assert_false (fw_wire_parse_time ("2026-11-27T00:00:00", NULL));
  g_assert_false (fw_wire_parse_time ("yesterday", NULL));
}

static void
test_wire_errors_name_the_field (void)
{
  struct {
    FwEntity    entity;
    const char *json;
    int         code;
    const char *field;
  } cases[] = {
    { FW_ENTITY_FARM, "[]", FW_WIRE_ERROR_WRONG_TYPE, "record" },
    { FW_ENTITY_FARM, "{\"name\":\"A\",\"timezone\":\"UTC\"}", FW_WIRE_ERROR_MISSING, "id" },
    { FW_ENTITY_FARM, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"name\":\"A\",\"timezone\":\"Mars/Olympus\"}",
      FW_WIRE_ERROR_OUT_OF_RANGE, "timezone" },
    { FW_ENTITY_SITE, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"farm_id\":12,\"name\":\"A\"}",
      FW_WIRE_ERROR_WRONG_TYPE, "farm_id" },
    { FW_ENTITY_UNIT, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"site_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                      "\"name\":\"\",\"kind\":\"pond\"}", FW_WIRE_ERROR_MISSING, "name" },
    { FW_ENTITY_UNIT, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"site_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                      "\"name\":\"P\",\"kind\":\"pond\",\"volume_m3\":\"big\"}", FW_WIRE_ERROR_WRONG_TYPE, "volume_m3" },
    { FW_ENTITY_SENSOR, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                        "\"parameter\":\"chlorophyll\",\"interval\":60}", FW_WIRE_ERROR_OUT_OF_RANGE, "parameter" },
    { FW_ENTITY_SENSOR, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                        "\"parameter\":\"ph\",\"interval\":0}", FW_WIRE_ERROR_OUT_OF_RANGE, "interval" },
    { FW_ENTITY_SENSOR, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                        "\"parameter\":\"ph\",\"interval\":1.5}", FW_WIRE_ERROR_WRONG_TYPE, "interval" },
    { FW_ENTITY_LOGBOOK_ENTRY, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                               "\"kind\":\"feeding\",\"occurred_at\":\"2026-11-28T12:00:00Z\"}", FW_WIRE_ERROR_OUT_OF_RANGE, "occurred_at" },
    { FW_ENTITY_LOGBOOK_ENTRY, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                               "\"kind\":\"party\",\"occurred_at\":\"2026-11-26T12:00:00Z\"}", FW_WIRE_ERROR_OUT_OF_RANGE, "kind" },
    { FW_ENTITY_LOGBOOK_ENTRY, "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                               "\"kind\":\"feeding\",\"occurred_at\":\"2026-11-26T12:00:00Z\",\"payload\":[1]}",
      FW_WIRE_ERROR_WRONG_TYPE, "payload" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *field = NULL;
      g_autoptr(FwRecord) record = decode (cases[i].entity, cases[i].json, &field, &error);

      g_assert_null (record);
      g_assert_error (error, FW_WIRE_ERROR, cases[i].code);
      g_assert_cmpstr (field, ==, cases[i].field);
      g_assert_true (g_str_has_prefix (error->message, cases[i].field));
    }
}

static void
test_wire_tolerates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwRecord) record = NULL;

  /* Fields it does not know, and a writer's clock a little ahead. */
  record = decode (FW_ENTITY_LOGBOOK_ENTRY,
                   "{\"id\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"unit_id\":\"0b8c6d1e-1111-4111-8111-111111111112\","
                   "\"kind\":\"observation\",\"occurred_at\":\"2026-11-27T00:04:00Z\",\"mood\":\"cheerful\","
                   "\"updated_at\":\"2030-01-01T00:00:00Z\"}",
                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fw_logbook_entry_get_kind (FW_LOGBOOK_ENTRY (record)), ==, "observation");
  g_assert_cmpstr (fw_logbook_entry_get_payload (FW_LOGBOOK_ENTRY (record)), ==, "{}");
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);

  g_test_add_func ("/wire/round-trip", test_wire_round_trip);
  g_test_add_func ("/wire/times", test_wire_times);
  g_test_add_func ("/wire/errors-name-the-field", test_wire_errors_name_the_field);
  g_test_add_func ("/wire/tolerates", test_wire_tolerates);

  return g_test_run ();
}
