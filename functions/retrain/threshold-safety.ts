// Threshold safety at promotion: the challenger's alert volume at its own threshold beside the champion's on the
// shadow period; past the allowed shift its threshold is recalibrated to the champion's volume, or it is refused.
import type { LiveComparison } from '../../shared/live/compare.ts';

export interface ThresholdSafety {
  readonly decision: 'kept' | 'recalibrated' | 'refused';
  readonly champion_alerts: number;
  readonly challenger_alerts: number;
  /** (challenger - champion) / champion alerts; null when the champion raised none. */
  readonly shift: number | null;
  readonly max_shift: number;
  readonly champion_precision: number | null;
  readonly challenger_precision: number | null;
  readonly before: number;
  readonly after: number;
}

/** The threshold at which `scores` (highest first) raise `alerts` alerts: the alerts-th highest score. */
export function thresholdForVolume(scoresDesc: Float32Array, alerts: number): number {
  if (scoresDesc.length === 0) return 1;
  if (alerts <= 0) return Math.min(1, scoresDesc[0]! + 1e-6);
  return scoresDesc[Math.min(alerts, scoresDesc.length) - 1]!;
}

export function thresholdSafety(
  c: LiveComparison,
  maxShift: number,
  onShift: 'recalibrate' | 'refuse',
): ThresholdSafety {
  const base = c.a.alerts;
  const moved = c.b.alerts - base;
  const shift = base > 0 ? moved / base : moved === 0 ? 0 : null;
  const safe = shift !== null && Math.abs(shift) <= maxShift;
  const decision = safe ? 'kept' : onShift === 'refuse' ? 'refused' : 'recalibrated';
  return {
    decision,
    champion_alerts: base,
    challenger_alerts: c.b.alerts,
    shift,
    max_shift: maxShift,
    champion_precision: c.a.precision_at_threshold,
    challenger_precision: c.b.precision_at_threshold,
    before: c.b.threshold,
    after: decision === 'recalibrated' ? thresholdForVolume(c.scoresB, base) : c.b.threshold,
  };
}
