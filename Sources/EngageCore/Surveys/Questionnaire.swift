/// A versioned questionnaire (CONTRACT.md §1 "Questionnaires"): `yes_no` items (the express
/// method), or `scored` items grouped in components, each answer option carrying points
/// (the three-component index). Texts are per language (`en`, `ru`).
public struct Questionnaire: Sendable, Equatable {
    public enum Method: String, Sendable { case yesNo = "yes_no", scored }

    public struct Text: Sendable, Equatable {
        public var en: String
        public var ru: String
        public init(en: String, ru: String) {
            self.en = en
            self.ru = ru
        }
        public func in_(_ lang: String) -> String { lang == "ru" ? ru : en }
    }

    public struct Component: Sendable, Equatable {
        public var id: String
        public var title: Text
        public init(id: String, title: Text) {
            self.id = id
            self.title = title
        }
    }

    public struct Option: Sendable, Equatable {
        public var id: String
        public var text: Text
        public var points: Double
        public init(id: String, text: Text, points: Double) {
            self.id = id
            self.text = text
            self.points = points
        }
    }

    public struct Item: Sendable, Equatable {
        public var id: String
        public var component: String?
        public var text: Text
        /// Scored items only; a yes/no item's answers are yes (1) and no (0).
        public var options: [Option]
        public init(id: String, component: String? = nil, text: Text, options: [Option] = []) {
            self.id = id
            self.component = component
            self.text = text
            self.options = options
        }
        public var maxPoints: Double { options.map(\.points).max() ?? 1 }
    }

    public var id: String
    public var version: Int
    public var method: Method
    public var title: Text
    public var components: [Component]
    public var items: [Item]
    /// An optional 0–10 "would you recommend us as an employer" question (eNPS), its wording.
    public var enps: Text?
    /// An optional free-text question, its wording (comments are shown only for groups of 10+).
    public var comments: Text?

    /// Column names that are not item ids (responses.csv, the web form).
    public static let reservedIDs: Set<String> = ["enps", "comment", "survey_id", "response_id", "department", "is_manager", "age_band", "gender", "date"]

    public init(id: String, version: Int, method: Method, title: Text, components: [Component] = [], items: [Item],
                enps: Text? = nil, comments: Text? = nil) {
        self.id = id
        self.version = version
        self.method = method
        self.title = title
        self.components = components
        self.items = items
        self.enps = enps
        self.comments = comments
    }

    /// The most points a respondent can get in a component.
    public func maxPoints(component: String) -> Double {
        items.filter { $0.component == component }.reduce(0) { $0 + $1.maxPoints }
    }

    /// Rule violations, as `where: what` lines (empty: valid).
    public func problems() -> [String] {
        var out: [String] = []
        if id.isEmpty { out.append("id: required") }
        if version < 1 { out.append("version: a whole number from 1") }
        if items.isEmpty { out.append("items: at least one") }
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let at = "items[\(i + 1)] (\(item.id))"
            if item.id.isEmpty || !item.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                out.append("\(at).id: letters, digits, - or _ (it is a column of responses.csv)")
            }
            if !seen.insert(item.id).inserted { out.append("\(at).id: used twice") }
            if Self.reservedIDs.contains(item.id.lowercased()) { out.append("\(at).id: '\(item.id)' is reserved (a column of its own in responses.csv)") }
            if item.text.en.isEmpty || item.text.ru.isEmpty { out.append("\(at).text: needs en and ru") }
            switch method {
            case .yesNo:
                if !item.options.isEmpty { out.append("\(at).options: a yes_no item has none (its answers are yes and no)") }
            case .scored:
                if item.options.count < 2 { out.append("\(at).options: at least two") }
                if Set(item.options.map(\.id)).count != item.options.count { out.append("\(at).options: ids must differ") }
                if item.options.contains(where: { $0.points < 0 }) { out.append("\(at).options: points must not be negative") }
                if let c = item.component, !components.contains(where: { $0.id == c }) {
                    out.append("\(at).component: no component '\(c)'")
                } else if item.component == nil {
                    out.append("\(at).component: required in a scored questionnaire")
                }
            }
        }
        if method == .scored && components.isEmpty { out.append("components: at least one in a scored questionnaire") }
        for c in components where !items.contains(where: { $0.component == c.id }) { out.append("components (\(c.id)): has no items") }
        return out
    }
}

import Foundation

extension Questionnaire {
    /// The questionnaire as JSON (kept with each survey, so a survey's results are always
    /// read with the questionnaire it was run with).
    public var jsonText: String {
        func text(_ t: Text) -> [String: Any] { ["en": t.en, "ru": t.ru] }
        let doc: [String: Any] = [
            "id": id, "version": version, "method": method.rawValue, "title": text(title),
            "components": components.map { ["id": $0.id, "title": text($0.title)] as [String: Any] },
            "items": items.map { i -> [String: Any] in
                var m: [String: Any] = ["id": i.id, "text": text(i.text)]
                if let c = i.component { m["component"] = c }
                if !i.options.isEmpty { m["options"] = i.options.map { ["id": $0.id, "points": $0.points, "text": text($0.text)] as [String: Any] } }
                return m
            },
        ]
        var full = doc
        if let enps { full["enps"] = text(enps) }
        if let comments { full["comments"] = text(comments) }
        let data = (try? JSONSerialization.data(withJSONObject: full, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads `jsonText` back; nil when it is not one.
    public init?(jsonText: String) {
        guard let doc = (try? JSONSerialization.jsonObject(with: Data(jsonText.utf8))) as? [String: Any],
              let id = doc["id"] as? String, let version = doc["version"] as? Int,
              let method = (doc["method"] as? String).flatMap(Method.init(rawValue:)) else { return nil }
        func text(_ v: Any?) -> Text {
            let m = v as? [String: Any]
            return Text(en: m?["en"] as? String ?? "", ru: m?["ru"] as? String ?? "")
        }
        let components = (doc["components"] as? [[String: Any]] ?? []).map { Component(id: $0["id"] as? String ?? "", title: text($0["title"])) }
        let items = (doc["items"] as? [[String: Any]] ?? []).map { m in
            Item(id: m["id"] as? String ?? "", component: m["component"] as? String, text: text(m["text"]),
                 options: (m["options"] as? [[String: Any]] ?? []).map {
                     Option(id: $0["id"] as? String ?? "", text: text($0["text"]), points: ($0["points"] as? NSNumber)?.doubleValue ?? 0)
                 })
        }
        self.init(id: id, version: version, method: method, title: text(doc["title"]), components: components, items: items,
                  enps: doc["enps"] == nil ? nil : text(doc["enps"]), comments: doc["comments"] == nil ? nil : text(doc["comments"]))
    }
}
