//! Real media for the demo catalog: a short video (shipped, see `demo/README.md`) on the
//! first two lessons of the Rust course — the first a free preview — and generated
//! audio episodes (WAV, a few seconds of melody each) for the audio series.

use bytes::Bytes;
use futures::StreamExt;
use kenning_app::accounts::CurrentUser;
use kenning_app::ports::{ByteStream, StorageError};
use kenning_app::{AppError, Kenning};
use kenning_domain::ids::ProductId;

const INTRO_VIDEO: &[u8] = include_bytes!("../../demo/intro.webm");
const SAMPLE_RATE: u32 = 16_000;

fn stream_of(bytes: Vec<u8>) -> ByteStream {
    // In chunks, as an upload arrives.
    let chunks: Vec<Result<Bytes, StorageError>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks).boxed()
}

/// A mono 16-bit PCM WAV file playing `notes` (frequency in Hz, duration in ms), each
/// with a short fade in and out so that it sounds like notes, not clicks.
pub fn melody_wav(notes: &[(f64, u32)]) -> Vec<u8> {
    let mut samples: Vec<i16> = Vec::new();
    for &(freq, ms) in notes {
        let n = SAMPLE_RATE * ms / 1000;
        let fade = (SAMPLE_RATE / 100).min(n / 2).max(1);
        for i in 0..n {
            let t = f64::from(i) / f64::from(SAMPLE_RATE);
            let edge = i.min(n - i).min(fade);
            let envelope = f64::from(edge) / f64::from(fade);
            let value = (t * freq * std::f64::consts::TAU).sin() * envelope * 0.35;
            // In [-0.35, 0.35] × 32767: always within i16.
            samples.push((value * 32_767.0).round() as i16);
        }
    }
    let data_len = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX);
    let mut wav = Vec::with_capacity(44 + samples.len() * 2);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    wav.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // block align
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

/// A few bars per episode, each episode in its own key.
fn episode(n: usize) -> Vec<u8> {
    let root = [261.63, 293.66, 329.63, 349.23][n % 4];
    let steps = [1.0, 1.25, 1.5, 2.0, 1.5, 1.25, 1.0, 0.75];
    let notes: Vec<(f64, u32)> = steps
        .iter()
        .cycle()
        .take(16)
        .map(|s| (root * s, 400))
        .collect();
    melody_wav(&notes)
}

/// Attaches the intro video to the first two lessons of `course`.
pub async fn attach_video(
    app: &Kenning,
    creator: &CurrentUser,
    course: ProductId,
) -> Result<(), AppError> {
    let course = app.product_detail(course, Some(creator)).await?;
    for lesson in course.lessons.iter().take(2) {
        app.upload_media(
            creator,
            lesson.id,
            "intro.webm",
            stream_of(INTRO_VIDEO.to_vec()),
        )
        .await?;
    }
    Ok(())
}

/// Attaches an episode to every lesson of an audio series, so its feed has them.
pub async fn attach_episodes(
    app: &Kenning,
    creator: &CurrentUser,
    series: ProductId,
) -> Result<(), AppError> {
    let series = app.product_detail(series, Some(creator)).await?;
    for (n, lesson) in series.lessons.iter().enumerate() {
        app.upload_media(
            creator,
            lesson.id,
            &format!("episode-{}.wav", n + 1),
            stream_of(episode(n)),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn episodes_are_wav_files_of_the_length_they_say() {
        let wav = episode(0);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        let data_len = u32::from_le_bytes([wav[40], wav[41], wav[42], wav[43]]);
        assert_eq!(wav.len(), 44 + data_len as usize);
        // 16 notes of 400 ms at 16 kHz, 2 bytes a sample.
        assert_eq!(data_len, 16 * 6_400 * 2);
        assert_eq!(infer::get(&wav).map(|t| t.mime_type()), Some("audio/x-wav"));
    }
}
