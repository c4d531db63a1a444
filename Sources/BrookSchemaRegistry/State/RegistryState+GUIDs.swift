/// Schemas by GUID (Confluent 8's `/schemas/guids/...`).
extension RegistryState {
    /// The GUID of an id's schema.
    public func guid(ofID id: Int) -> SchemaGUID? { guidByID[id] }

    /// `GET /schemas/guids/{guid}`: the id whose schema has this GUID; 40403 "Schema {guid} not found"
    /// for an unknown or malformed GUID, as Confluent answers both.
    public func schemaID(guid text: String) throws(RegistryError) -> Int {
        guard let guid = SchemaGUID(parsing: text), let id = idByGUID[guid], schemasByID[id] != nil else {
            throw RegistryError(httpStatus: 404, errorCode: 40403, message: "Schema \(text) not found")
        }
        return id
    }

    /// `GET /schemas/guids/{guid}/ids`: the ids (one per context; Brook has only the default
    /// context) with this GUID; empty, not an error, when there is none.
    public func schemaIDs(guid text: String) -> [Int] {
        (try? schemaID(guid: text)).map { [$0] } ?? []
    }
}
