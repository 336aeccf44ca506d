import EngageCore
import EngageStore
import Foundation
import Logging
import ServiceLifecycle

/// Survey answers between the Send button and the results (DESIGN.md, survey anonymity;
/// docs/privacy.md).
///
/// An answer is held here, in this process's memory only, and nothing of it is written
/// when it is sent: no row, no log line, no claimed invitation. Answers join the results
/// in batches of at least the anonymity threshold `t` (`SurveyRelease`): the batch's
/// invitations are claimed and its answers stored under random keys, in a shuffled order,
/// in one transaction — so neither the database (with its WAL), nor the logs, nor the
/// results before and after a batch tell which answer is whose. After that each answer
/// waits again, once per breakdown (department, role, age band, gender), until `t` answers
/// of its group can be added to the group's tally together.
///
/// What this costs: an answer not yet released is lost if the process stops (its link then
/// works again, and reminders reach the person); at the close, a group with fewer than `t`
/// answers waiting is not added (the group's figures would single them out).
actor SurveyBallotBox {
    struct Entry: Sendable {
        var tokenHash: String
        var strata: [String: String]
        var vector: SurveyVector
    }

    struct GroupKey: Hashable, Sendable {
        var dimension: String
        var group: String
    }

    struct Waiting {
        /// Not yet in the results (their invitations are still unused in the database).
        var answers: [Entry] = []
        /// Released, waiting to be added to each of their groups.
        var groups: [GroupKey: [Entry]] = [:]
        var isEmpty: Bool { answers.isEmpty && groups.values.allSatisfy(\.isEmpty) }
    }

    let data: SurveyData
    let logger = Logger(label: "engage.surveys")
    private var surveys: [String: Waiting] = [:]
    private var releasing: Set<String> = []

    init(store: any Store) { data = SurveyData(store: store) }

    /// True when an answer for this invitation is waiting here (a second Send is refused).
    func isWaiting(_ tokenHash: String) -> Bool {
        surveys.values.contains { w in w.answers.contains { $0.tokenHash == tokenHash } }
    }

    /// Takes an answer; false when one for the same invitation is already waiting.
    func submit(surveyID: String, tokenHash: String, strata: [String: String], vector: SurveyVector) async -> Bool {
        if isWaiting(tokenHash) { return false }
        surveys[surveyID, default: Waiting()].answers.append(Entry(tokenHash: tokenHash, strata: strata, vector: vector))
        await release(surveyID, closing: false)
        return true
    }

    /// Answers waiting, for tests and status (never shown per person).
    func waitingCount(_ surveyID: String) -> (answers: Int, groups: [String: Int]) {
        let w = surveys[surveyID] ?? Waiting()
        return (w.answers.count, Dictionary(uniqueKeysWithValues: w.groups.map { ("\($0.key.dimension):\($0.key.group)", $0.value.count) }))
    }

    /// Releases what is due for every survey with answers waiting: closed waves (or, when
    /// `stopping`, all of them) release all they can and drop the rest.
    func tick(today: LocalDate, stopping: Bool = false) async {
        for id in surveys.keys.sorted() {
            var closing = stopping
            if !closing, let s = try? await data.survey(id: id) {
                closing = s.closedAt != nil || (s.closesOn.map { $0 < today } ?? false)
            }
            await release(id, closing: closing)
            if closing, surveys[id]?.isEmpty ?? true { surveys[id] = nil }
        }
    }

    /// Writes the batches that are due. Entries leave the waiting lists before the write
    /// (another submit may arrive meanwhile) and come back if it fails.
    private func release(_ surveyID: String, closing: Bool) async {
        guard !releasing.contains(surveyID) else { return }
        releasing.insert(surveyID)
        defer { releasing.remove(surveyID) }
        let t: Int
        do { t = try await data.threshold() } catch { return }
        guard let q = try? await data.survey(id: surveyID).flatMap({ Questionnaire(jsonText: $0.questionnaireJSON) }) else { return }

        // into the results: claims and answers in one transaction
        let waiting = surveys[surveyID]?.answers ?? []
        let n = SurveyRelease.count(pending: waiting.count, threshold: t, closing: closing)
        if n > 0 {
            let shuffled = waiting.shuffled()
            let batch = Array(shuffled.prefix(n))
            surveys[surveyID]?.answers = Array(shuffled.dropFirst(n))
            do {
                let claimed = try await data.release(surveyID: surveyID, batch.map { SurveyBallot(tokenHash: $0.tokenHash, vector: $0.vector) })
                for e in batch where claimed.contains(e.tokenHash) {
                    for (dim, group) in e.strata { surveys[surveyID, default: Waiting()].groups[GroupKey(dimension: dim, group: group), default: []].append(e) }
                }
            } catch {
                logger.error("survey answers not released yet (kept waiting): \(error)")
                surveys[surveyID, default: Waiting()].answers += batch
                return
            }
        } else if closing {
            surveys[surveyID]?.answers = []
        }

        // into each group's tally
        for key in (surveys[surveyID]?.groups.keys).map(Array.init) ?? [] {
            let entries = surveys[surveyID]?.groups[key] ?? []
            let m = SurveyRelease.count(pending: entries.count, threshold: t, closing: closing)
            guard m > 0 else {
                if closing { surveys[surveyID]?.groups[key] = nil }
                continue
            }
            let shuffled = entries.shuffled()
            let batch = Array(shuffled.prefix(m))
            surveys[surveyID]?.groups[key] = Array(shuffled.dropFirst(m))
            var tally = SurveyTally()
            for e in batch { tally.add(e.vector.answers, q) }
            do {
                try await data.addToGroup(surveyID: surveyID, dimension: key.dimension, group: key.group, tally: tally,
                                          comments: batch.compactMap(\.vector.comment))
            } catch {
                logger.error("a survey group's answers not released yet (kept waiting): \(error)")
                surveys[surveyID, default: Waiting()].groups[key, default: []] += batch
            }
        }
    }
}

/// Checks every half minute for waves that have closed, and releases their last batches;
/// when the server stops, releases what it can (after the HTTP server has stopped taking
/// answers).
struct SurveyReleaseService: Service {
    let box: SurveyBallotBox
    let today: @Sendable () -> LocalDate
    var interval: Duration = .seconds(30)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await box.tick(today: today())
        }
        await box.tick(today: today(), stopping: true)
    }
}
