import EngageStore
import Foundation

/// Plain TCP to a live test server, for what an HTTP client library hides: partial heads,
/// pipelined requests, timeouts, closed connections. Its blocking calls run on a thread of
/// their own: on the test's task they would hold one of the few threads the server under
/// test needs to answer.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    private var got: [UInt8] = []

    /// Connects to 127.0.0.1:`port` (receives wait at most 10 s).
    init(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else {
            Glibc.close(fd)
            throw StoreError("cannot connect to 127.0.0.1:\(port)")
        }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    func close() { _ = Glibc.close(fd) }

    func send(_ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), 0) }
    }

    /// One whole response (its head, then as many body bytes as it announces), or what came
    /// before the connection closed ("" when nothing did).
    func response() async -> String { await blocking { self.readResponse() } }

    /// True once the server has closed the connection (nothing more to read).
    func closedByServer() async -> Bool {
        await blocking {
            var buffer = [UInt8](repeating: 0, count: 256)
            return recv(self.fd, &buffer, buffer.count, 0) == 0
        }
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        // a thread of its own: libdispatch's global queues are as few as the cores, like the task pool
        await withCheckedContinuation { c in Thread { c.resume(returning: work()) }.start() }
    }

    private func readResponse() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = got.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: got[..<end.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if got.count - end.upperBound >= length {
                    let whole = String(decoding: got[..<(end.upperBound + length)], as: UTF8.self)
                    got.removeFirst(end.upperBound + length)
                    return whole
                }
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 {
                defer { got = [] }
                return String(decoding: got, as: UTF8.self)
            }
            got += buffer.prefix(n)
        }
    }
}
