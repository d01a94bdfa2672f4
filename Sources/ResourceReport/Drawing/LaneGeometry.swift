/// The layout of one panel (a lane: one container's resource in one pod), in SVG pixels.
public enum LaneGeometry {
    /// The whole panel's width.
    public static let width = 960.0
    /// Room for the amounts on the left.
    public static let left = 64.0
    public static let right = 14.0
    /// The top of the plot (room for resize span labels above the lines).
    public static let plotTop = 12.0
    public static let plotHeight = 110.0
    /// The strip under the plot that shows where the actual values came from.
    public static let stripTop = plotTop + plotHeight + 3
    public static let stripHeight = 5.0
    /// The whole panel's height, with the time labels under the strip.
    public static let height = stripTop + stripHeight + 20

    /// From the first to the last time, in pixels.
    public static var plotWidth: Double { width - left - right }
}
