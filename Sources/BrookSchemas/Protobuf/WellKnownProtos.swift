/// The files every Protobuf schema may import without a reference: Google's well-known types and
/// Confluent's `confluent/meta.proto` and `confluent/type/decimal.proto`, as Confluent's registry
/// knows them.
///
/// Written here from the published message layouts (names, field numbers and types). The
/// descriptor file declares only the option messages, so custom options can `extend` them.
enum WellKnownProtos {
    static func text(forImport path: String) -> String? {
        files[path]
    }

    static let files: [String: String] = [
        "google/protobuf/any.proto": """
            syntax = "proto3";
            package google.protobuf;
            message Any {
              string type_url = 1;
              bytes value = 2;
            }
            """,
        "google/protobuf/timestamp.proto": """
            syntax = "proto3";
            package google.protobuf;
            message Timestamp {
              int64 seconds = 1;
              int32 nanos = 2;
            }
            """,
        "google/protobuf/duration.proto": """
            syntax = "proto3";
            package google.protobuf;
            message Duration {
              int64 seconds = 1;
              int32 nanos = 2;
            }
            """,
        "google/protobuf/empty.proto": """
            syntax = "proto3";
            package google.protobuf;
            message Empty {}
            """,
        "google/protobuf/field_mask.proto": """
            syntax = "proto3";
            package google.protobuf;
            message FieldMask {
              repeated string paths = 1;
            }
            """,
        "google/protobuf/source_context.proto": """
            syntax = "proto3";
            package google.protobuf;
            message SourceContext {
              string file_name = 1;
            }
            """,
        "google/protobuf/struct.proto": """
            syntax = "proto3";
            package google.protobuf;
            message Struct {
              map<string, Value> fields = 1;
            }
            message Value {
              oneof kind {
                NullValue null_value = 1;
                double number_value = 2;
                string string_value = 3;
                bool bool_value = 4;
                Struct struct_value = 5;
                ListValue list_value = 6;
              }
            }
            enum NullValue {
              NULL_VALUE = 0;
            }
            message ListValue {
              repeated Value values = 1;
            }
            """,
        "google/protobuf/wrappers.proto": """
            syntax = "proto3";
            package google.protobuf;
            message DoubleValue { double value = 1; }
            message FloatValue { float value = 1; }
            message Int64Value { int64 value = 1; }
            message UInt64Value { uint64 value = 1; }
            message Int32Value { int32 value = 1; }
            message UInt32Value { uint32 value = 1; }
            message BoolValue { bool value = 1; }
            message StringValue { string value = 1; }
            message BytesValue { bytes value = 1; }
            """,
        "google/protobuf/descriptor.proto": """
            syntax = "proto2";
            package google.protobuf;
            message FileOptions {
              optional string java_package = 1;
              optional string java_outer_classname = 8;
              optional bool java_multiple_files = 10 [default = false];
              optional string go_package = 11;
              optional bool deprecated = 23 [default = false];
              extensions 1000 to max;
            }
            message MessageOptions {
              optional bool deprecated = 3 [default = false];
              optional bool map_entry = 7;
              extensions 1000 to max;
            }
            message FieldOptions {
              optional bool packed = 2;
              optional bool deprecated = 3 [default = false];
              extensions 1000 to max;
            }
            message OneofOptions {
              extensions 1000 to max;
            }
            message EnumOptions {
              optional bool allow_alias = 2;
              optional bool deprecated = 3 [default = false];
              extensions 1000 to max;
            }
            message EnumValueOptions {
              optional bool deprecated = 1 [default = false];
              extensions 1000 to max;
            }
            message ServiceOptions {
              optional bool deprecated = 33 [default = false];
              extensions 1000 to max;
            }
            message MethodOptions {
              optional bool deprecated = 33 [default = false];
              extensions 1000 to max;
            }
            message ExtensionRangeOptions {
              extensions 1000 to max;
            }
            """,
        "confluent/meta.proto": """
            syntax = "proto3";
            package confluent;
            import "google/protobuf/descriptor.proto";
            message Meta {
              string doc = 1;
              map<string, string> params = 2;
              repeated string tags = 3;
              repeated Rule rules = 4;
            }
            message Rule {
              string name = 1;
              string doc = 2;
              string expr = 3;
              string sql = 4;
            }
            extend google.protobuf.FileOptions { Meta file_meta = 1088; }
            extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
            extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
            extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
            extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
            """,
        "confluent/type/decimal.proto": """
            syntax = "proto3";
            package confluent.type;
            message Decimal {
              bytes value = 1;
              uint32 precision = 2;
              int32 scale = 3;
            }
            """,
    ]
}
