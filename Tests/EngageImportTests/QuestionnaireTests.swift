import EngageCore
import EngageImport
import Foundation
import Testing

/// The shipped templates and the questionnaire file rules.
@Suite struct QuestionnaireTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theExpressTemplateHasTwelveYesNoStatementsInBothLanguages() throws {
        let q = try QuestionnaireFile.load(path: Self.root.appendingPathComponent("questionnaires/express-12.yaml").path)
        #expect(q.id == "express-12" && q.version == 1 && q.method == .yesNo)
        #expect(q.items.count == 12)
        #expect(q.items.allSatisfy { !$0.text.en.isEmpty && !$0.text.ru.isEmpty && $0.options.isEmpty })
        #expect(Set(q.items.map(\.id)).count == 12)
    }

    @Test func theThreeComponentTemplateHasThirtyPointsPerComponent() throws {
        let q = try QuestionnaireFile.load(path: Self.root.appendingPathComponent("questionnaires/three-component.yaml").path)
        #expect(q.method == .scored)
        #expect(q.components.map(\.id) == ["work", "management", "events"])
        for c in q.components { #expect(q.maxPoints(component: c.id) == 30, "\(c.id)") }
        #expect(q.items.allSatisfy { $0.options.count == 4 && !$0.text.ru.isEmpty })
        #expect(q.title.ru == "Трёхкомпонентный опрос вовлечённости")
    }

    @Test func badFilesAreRefusedWithEveryProblemAndItsPlace() {
        let yaml = """
            id: bad
            version: 0
            method: scored
            title: {en: Bad, ru: Плохой}
            components:
              - {id: work, title: {en: Work, ru: Работа}}
              - {id: empty, title: {en: Empty, ru: Пусто}}
            items:
              - id: w1
                component: work
                text: {en: One, ru: Один}
                options: [{id: a, points: 1, text: {en: A, ru: А}}]
              - id: w1
                component: nowhere
                text: {en: Two}
                options: [{id: a, points: -1, text: {en: A, ru: А}}, {id: b, points: 2, text: {en: B, ru: Б}}]
            """
        #expect(throws: QuestionnaireFile.Refused.self) { try QuestionnaireFile.parse(yaml, file: "bad.yaml") }
        do {
            _ = try QuestionnaireFile.parse(yaml, file: "bad.yaml")
        } catch let e as QuestionnaireFile.Refused {
            #expect(e.problems == ["items[2].text.ru: required"])
        } catch { Issue.record("\(error)") }
        let fixed = yaml.replacingOccurrences(of: "text: {en: Two}", with: "text: {en: Two, ru: Два}")
        do {
            _ = try QuestionnaireFile.parse(fixed, file: "bad.yaml")
            Issue.record("accepted")
        } catch let e as QuestionnaireFile.Refused {
            #expect(e.problems == [
                "version: a whole number from 1",
                "items[1] (w1).options: at least two",
                "items[2] (w1).id: used twice",
                "items[2] (w1).options: points must not be negative",
                "items[2] (w1).component: no component 'nowhere'",
                "components (empty): has no items",
            ])
            #expect(e.description.hasPrefix("bad.yaml: version: a whole number from 1\n"))
        } catch { Issue.record("\(error)") }
        #expect(throws: QuestionnaireFile.Refused.self) { try QuestionnaireFile.parse("[1, 2", file: "x.yaml") }
        #expect(throws: QuestionnaireFile.Refused.self) { try QuestionnaireFile.parse("id: x\nversion: 1\nmethod: maybe\ntitle: X\nitems: []", file: "x.yaml") }
    }
}
