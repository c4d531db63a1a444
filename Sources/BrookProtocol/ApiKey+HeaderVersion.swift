/// Header versions per API version: flexible API versions use request header v2 and response header v1.
extension ApiKey {
    /// Request header version (1 or 2) for `apiVersion`; 1 for APIs outside the generated table.
    public func requestHeaderVersion(apiVersion: Int16) -> Int {
        isFlexible(apiVersion: apiVersion) ? 2 : 1
    }

    /// Response header version (0 or 1) for `apiVersion`. ApiVersions always answers with header v0.
    public func responseHeaderVersion(apiVersion: Int16) -> Int {
        if self == .apiVersions { return 0 }
        return isFlexible(apiVersion: apiVersion) ? 1 : 0
    }

    /// Whether `apiVersion` of this API is flexible according to the generated table.
    public func isFlexible(apiVersion: Int16) -> Bool {
        guard let first = GeneratedApis.firstFlexibleVersions[self] else { return false }
        return apiVersion >= first
    }
}
