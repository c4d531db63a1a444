import BrookConnect
import XCTest

final class PathGlobTests: XCTestCase {
    func testTheRootIsThePartBeforeTheFirstWildcard() {
        XCTAssertEqual(PathGlob("data/*.csv").root, "data")
        XCTAssertEqual(PathGlob("/srv/data/**/*.json").root, "/srv/data")
        XCTAssertEqual(PathGlob("*.csv").root, ".")
        XCTAssertEqual(PathGlob("data/orders.csv").root, "data")
    }

    func testStarAndQuestionMarkStayWithinAComponent() {
        let glob = PathGlob("data/*.csv")
        XCTAssertTrue(glob.matches("orders.csv"))
        XCTAssertTrue(glob.matches(".csv"))
        XCTAssertFalse(glob.matches("eu/orders.csv"))
        XCTAssertFalse(glob.matches("orders.csv.bak"))
        XCTAssertTrue(PathGlob("d/part-??.csv").matches("part-07.csv"))
        XCTAssertFalse(PathGlob("d/part-??.csv").matches("part-7.csv"))
    }

    func testDoubleStarSpansAnyNumberOfDirectories() {
        let glob = PathGlob("docs/**/*.json")
        XCTAssertTrue(glob.matches("a.json"))
        XCTAssertTrue(glob.matches("x/y/z/a.json"))
        XCTAssertFalse(glob.matches("x/y/a.yaml"))
        XCTAssertTrue(PathGlob("d/**").matches("any/thing/at/all"))
    }

    func testCharacterClasses() {
        XCTAssertTrue(PathGlob("d/[ab]-[0-9].csv").matches("a-5.csv"))
        XCTAssertFalse(PathGlob("d/[ab]-[0-9].csv").matches("c-5.csv"))
        XCTAssertTrue(PathGlob("d/[!.]*").matches("visible"))
        XCTAssertFalse(PathGlob("d/[!.]*").matches(".hidden"))
    }

    func testALiteralPatternNamesOneFile() {
        XCTAssertTrue(PathGlob("data/orders.csv").matches("orders.csv"))
        XCTAssertFalse(PathGlob("data/orders.csv").matches("other.csv"))
    }
}
