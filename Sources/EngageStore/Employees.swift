import EngageCore

/// The `employees` table as other domains ask about it.
public struct Employees: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public func exists(_ employeeID: String) async throws -> Bool {
        try await !store.execute("SELECT 1 FROM employees WHERE employee_id = ?1", [.text(employeeID)]).isEmpty
    }

    /// employee_id → (name, email), for invitation and reminder lists.
    public func contacts() async throws -> [String: (name: String, email: String)] {
        try await contactsWithLanguage().mapValues { ($0.name, $0.email) }
    }

    /// Name, e-mail and language (`en`, `ru`, or empty when not given) of every employee.
    public func contactsWithLanguage() async throws -> [String: (name: String, email: String, lang: String)] {
        var who: [String: (name: String, email: String, lang: String)] = [:]
        for r in try await store.execute("SELECT employee_id, COALESCE(name, ''), COALESCE(email, ''), COALESCE(lang, '') FROM employees") {
            who[r[0].text ?? ""] = (r[1].text ?? "", r[2].text ?? "", r[3].text ?? "")
        }
        return who
    }

    /// One employee as the survey's headcount needs them.
    public struct Strata: Sendable {
        public var department: String?
        public var isManager: Bool?
        public var birthYear: Int?
        public var gender: String?
        public var hiredOn: LocalDate?
        public var leftOn: LocalDate?
    }

    /// Every employee's strata and dates (headcount by department, role, age band, gender).
    public func strata() async throws -> [Strata] {
        try await store.execute("SELECT department, is_manager, birth_year, gender, hired_on, left_on FROM employees").map { e in
            Strata(department: e[0].text, isManager: e[1].int.map { $0 != 0 }, birthYear: e[2].int, gender: e[3].text,
                   hiredOn: e[4].int.map(LocalDate.init(dayNumber:)), leftOn: e[5].int.map(LocalDate.init(dayNumber:)))
        }
    }

    /// Per department: employees, and those with a share in `[from, to)` (advocacy
    /// participation beside survey results); nil when no share was ever imported.
    public func sharingByDepartment(from: Int64, to: Int64) async throws -> [(department: String, employees: Int, sharers: Int)]? {
        guard try await store.execute("SELECT COUNT(*) FROM shares").first?.first?.int ?? 0 > 0 else { return nil }
        return try await store.execute("""
            SELECT e.department, COUNT(DISTINCT e.employee_id), COUNT(DISTINCT s.employee_id)
            FROM employees e LEFT JOIN shares s ON s.employee_id = e.employee_id AND s.shared_at >= ?1 AND s.shared_at < ?2
            WHERE e.department IS NOT NULL GROUP BY e.department
            """, [.int(Int(from)), .int(Int(to))]).compactMap { r in
            guard let d = r[0].text, let n = r[1].int, let k = r[2].int else { return nil }
            return (d, n, k)
        }
    }
}
