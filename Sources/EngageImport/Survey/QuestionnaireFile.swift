import EngageCore
import Foundation
import Yams

/// Reads a questionnaire file (YAML, or JSON — which is YAML too) into a `Questionnaire`,
/// refusing it with every problem named by its place (`file: items[3].options: …`).
public enum QuestionnaireFile {
    public struct Refused: Error, CustomStringConvertible {
        public var file: String
        public var problems: [String]
        public var description: String { problems.map { "\(file): \($0)" }.joined(separator: "\n") }
    }

    public static func load(path: String) throws -> Questionnaire {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Refused(file: path, problems: ["cannot be read (\(error.localizedDescription))"])
        }
        return try parse(text, file: path)
    }

    /// Largest questionnaire file, in bytes, and most values in it once YAML aliases are
    /// expanded (an alias bomb — nested `*a` references — is refused before it expands).
    static let maxBytes = 256 * 1024, maxNodes = 20_000

    public static func parse(_ source: String, file: String) throws -> Questionnaire {
        guard source.utf8.count <= maxBytes else { throw Refused(file: file, problems: ["larger than \(maxBytes / 1024) KiB"]) }
        let root: Any?
        do {
            // composing shares aliased nodes; counting them with a budget stops at once
            var budget = maxNodes
            if let node = try Yams.compose(yaml: source), !fits(node, &budget) {
                throw Refused(file: file, problems: ["more than \(maxNodes) values once its aliases are expanded (a YAML alias bomb?)"])
            }
            root = try Yams.load(yaml: source)
        } catch let e as Refused {
            throw e
        } catch {
            throw Refused(file: file, problems: ["not valid YAML or JSON: \(error)"])
        }
        guard let doc = root as? [String: Any] else { throw Refused(file: file, problems: ["expected a mapping at the top (id, version, method, title, items)"]) }
        var problems: [String] = []
        func string(_ v: Any?, _ at: String, required: Bool = true) -> String? {
            if v == nil || v is NSNull { if required { problems.append("\(at): required") }; return nil }
            if let s = v as? String { return s }
            if let i = v as? Int { return String(i) }
            problems.append("\(at): expected text")
            return nil
        }
        func text(_ v: Any?, _ at: String) -> Questionnaire.Text {
            if let s = v as? String { return .init(en: s, ru: s) }
            guard let m = v as? [String: Any] else { problems.append("\(at): expected {en: …, ru: …}"); return .init(en: "", ru: "") }
            return .init(en: string(m["en"], at + ".en") ?? "", ru: string(m["ru"], at + ".ru") ?? "")
        }
        let id = string(doc["id"], "id") ?? ""
        let version = doc["version"] as? Int ?? { problems.append("version: a whole number from 1"); return 0 }()
        let methodName = string(doc["method"], "method") ?? ""
        let method = Questionnaire.Method(rawValue: methodName)
        if method == nil && !methodName.isEmpty { problems.append("method: yes_no or scored, got '\(methodName)'") }
        let title = text(doc["title"], "title")
        var components: [Questionnaire.Component] = []
        for (i, c) in ((doc["components"] as? [Any]) ?? []).enumerated() {
            guard let m = c as? [String: Any] else { problems.append("components[\(i + 1)]: expected a mapping"); continue }
            components.append(.init(id: string(m["id"], "components[\(i + 1)].id") ?? "", title: text(m["title"], "components[\(i + 1)].title")))
        }
        var items: [Questionnaire.Item] = []
        guard let rawItems = doc["items"] as? [Any] else {
            problems.append("items: expected a list")
            throw Refused(file: file, problems: problems)
        }
        for (i, raw) in rawItems.enumerated() {
            let at = "items[\(i + 1)]"
            guard let m = raw as? [String: Any] else { problems.append("\(at): expected a mapping"); continue }
            var options: [Questionnaire.Option] = []
            for (j, o) in ((m["options"] as? [Any]) ?? []).enumerated() {
                guard let om = o as? [String: Any] else { problems.append("\(at).options[\(j + 1)]: expected a mapping"); continue }
                let points = (om["points"] as? Double) ?? (om["points"] as? Int).map(Double.init)
                if points == nil { problems.append("\(at).options[\(j + 1)].points: expected a number") }
                options.append(.init(id: string(om["id"], "\(at).options[\(j + 1)].id") ?? "", text: text(om["text"], "\(at).options[\(j + 1)].text"),
                                     points: points ?? 0))
            }
            items.append(.init(id: string(m["id"], "\(at).id") ?? "", component: string(m["component"], "\(at).component", required: false),
                               text: text(m["text"], "\(at).text"), options: options))
        }
        guard let method, problems.isEmpty else { throw Refused(file: file, problems: problems) }
        let enps = doc["enps"].map { text(($0 as? [String: Any])?["text"] ?? $0, "enps.text") }
        let comments = doc["comments"].map { text(($0 as? [String: Any])?["text"] ?? $0, "comments.text") }
        guard problems.isEmpty else { throw Refused(file: file, problems: problems) }
        let q = Questionnaire(id: id, version: version, method: method, title: title, components: components, items: items, enps: enps, comments: comments)
        let rules = q.problems()
        if !rules.isEmpty { throw Refused(file: file, problems: rules) }
        return q
    }

    /// False once more than `budget` nodes have been seen.
    static func fits(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        if budget < 0 { return false }
        switch node {
        case .mapping(let m):
            for (k, v) in m { guard fits(k, &budget), fits(v, &budget) else { return false } }
        case .sequence(let items):
            for n in items { guard fits(n, &budget) else { return false } }
        default: break
        }
        return true
    }
}
