// Ticks for a 3D scene's vertical axis that leave its lowest corner free: there the x or y axis's
// end labels are drawn too, and a z label at the floor ran into them ("0.57" over "−1", "0" over "−2").
export const FLOOR = 0.15; // share of the z range, from its floor, kept free of z labels

// About `count` round values in [lo, hi], none in the lowest FLOOR of it.
export function floorFreeTicks(lo, hi, count = 4) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil((lo + FLOOR * (hi - lo)) / step) * step; v <= hi + 1e-9 * step; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}
