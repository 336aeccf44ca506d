import ArgumentParser
import EngageCore
import EngageReports
import EngageServer
import EngageStore
import Foundation

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case json, md, csv, html, pdf
}

/// A date given on the command line.
struct DateArgument: ExpressibleByArgument {
    var date: LocalDate
    init?(argument: String) {
        guard let d = LocalDate(argument) else { return nil }
        date = d
    }
}

extension Language: ExpressibleByArgument {}

extension Role: ExpressibleByArgument {}
