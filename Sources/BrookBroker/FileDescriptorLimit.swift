#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The process's open-file limit (`RLIMIT_NOFILE`). A broker needs one descriptor per log segment
/// plus one per client connection, so at start-up the soft limit is raised to the hard limit, as
/// Kafka's packaging advises (`ulimit -n` 100000); both are logged.
public enum FileDescriptorLimit {
    /// The soft limit to ask for: the hard limit, unless the soft one is already at least that.
    public static func target(soft: UInt64, hard: UInt64) -> UInt64? {
        soft < hard ? hard : nil
    }

    /// Raises the soft limit to the hard limit when it is lower and logs the outcome. Returns the
    /// soft limit in force afterwards (nil when it cannot be read).
    @discardableResult
    public static func raiseToHardLimit(logger: Logger) -> UInt64? {
        var limits = rlimit()
        guard getrlimit(resourceNoFile, &limits) == 0 else {
            logger.warning("cannot read the open file limit", metadata: ["errno": "\(errno)"])
            return nil
        }
        let soft = UInt64(limits.rlim_cur)
        let hard = UInt64(limits.rlim_max)
        guard let wanted = target(soft: soft, hard: hard) else {
            logger.info("open file limit", metadata: ["brook.softLimit": "\(soft)", "brook.hardLimit": "\(hard)"])
            return soft
        }
        limits.rlim_cur = limits.rlim_max
        if setrlimit(resourceNoFile, &limits) != 0 {
            logger.warning("cannot raise the open file limit to the hard limit", metadata: [
                "brook.softLimit": "\(soft)", "brook.hardLimit": "\(hard)", "errno": "\(errno)",
            ])
            return soft
        }
        logger.info("raised the open file limit", metadata: [
            "brook.softLimitWas": "\(soft)", "brook.softLimit": "\(wanted)", "brook.hardLimit": "\(hard)",
        ])
        return wanted
    }

    #if canImport(Glibc)
    private static let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceNoFile = RLIMIT_NOFILE
    #endif
}
