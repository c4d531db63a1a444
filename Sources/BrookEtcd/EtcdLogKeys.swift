/// Logger metadata keys the etcd client uses, one form each.
enum EtcdLogKeys {
    static let endpoint = "brook.etcd.endpoint"
    static let lease = "brook.etcd.lease"
}
