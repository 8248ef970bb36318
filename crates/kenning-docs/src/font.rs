//! The font for text Helvetica cannot show (Chinese above all), embedded in each PDF as a
//! subset holding only the glyphs the document uses.
//!
//! Why these crates: `subsetter` is what typst writes its PDFs with. It keeps TrueType
//! (`glyf`) and CFF outlines alike, turns CFF into CID-keyed CFF whose CIDs are the new
//! glyph ids (what Identity-H needs), forbids unsafe code, and without its
//! variable-font feature depends on nothing but `rustc-hash`. `allsorts` subsets too but
//! brings a shaping engine and many more dependencies; `skrifa` / `read-fonts` read fonts
//! but do not subset. `ttf-parser` (no dependencies, kept by the harfbuzz organisation)
//! reads what the PDF needs from the full font: the faces of a collection, the character
//! map, advances, metrics and names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kenning_app::ports::DocumentError;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};
use ttf_parser::{Face, GlyphId, RawFace, Tag, name_id};

/// Where CJK fonts are looked for when none is configured, best first: Noto Sans CJK
/// (Debian and Ubuntu `fonts-noto-cjk`, Alpine, Arch), Noto Serif CJK, then WenQuanYi
/// Micro Hei (`fonts-wqy-microhei`, 1.6 MB to download) and Zen Hei
/// (`fonts-wqy-zenhei`).
pub const DEFAULT_CJK_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
];

/// A font file with Chinese glyphs, and the face of it to use. Only the path is kept:
/// the file (about 19 MB for Noto Sans CJK) is read again for each document that needs
/// it, and dropped once its subset is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CjkFont {
    path: PathBuf,
    index: u32,
}

fn unreadable(path: &Path, e: impl std::fmt::Display) -> DocumentError {
    DocumentError::Unreadable(format!("font {}: {e}", path.display()))
}

impl CjkFont {
    /// The font at `path` (TrueType, OpenType or a collection of them); in a
    /// collection, the Simplified Chinese face (family name ending in "SC") or else the
    /// first. Refused unless it has a glyph for 中.
    pub fn open(path: &Path) -> Result<CjkFont, DocumentError> {
        let data = std::fs::read(path).map_err(|e| unreadable(path, e))?;
        let index = (0..ttf_parser::fonts_in_collection(&data).unwrap_or(1))
            .find(|&i| Face::parse(&data, i).is_ok_and(|face| family(&face).ends_with(" SC")))
            .unwrap_or(0);
        let face = Face::parse(&data, index).map_err(|e| unreadable(path, e))?;
        if face.glyph_index('中').is_none() {
            return Err(unreadable(path, "no Chinese glyphs"));
        }
        Ok(CjkFont {
            path: path.to_owned(),
            index,
        })
    }

    /// The configured font (an error if it cannot be used), or else the first of
    /// [`DEFAULT_CJK_FONTS`] that can; `None` if there is none.
    pub fn find(configured: Option<&Path>) -> Result<Option<CjkFont>, DocumentError> {
        match configured {
            Some(path) => CjkFont::open(path).map(Some),
            None => Ok(DEFAULT_CJK_FONTS
                .iter()
                .find_map(|path| CjkFont::open(Path::new(path)).ok())),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which face of a collection is used (0 for a single font).
    pub fn face_index(&self) -> u32 {
        self.index
    }

    /// A subset with the glyphs of `chars`. Characters the font lacks show its
    /// `.notdef` glyph.
    pub(crate) fn subset(&self, chars: &BTreeSet<char>) -> Result<Subset, DocumentError> {
        let data = std::fs::read(&self.path).map_err(|e| unreadable(&self.path, e))?;
        let face = Face::parse(&data, self.index).map_err(|e| unreadable(&self.path, e))?;
        let per_em = f32::from(face.units_per_em().max(1));
        let thousandths = |units: f32| (units * 1000.0 / per_em).round();
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut glyphs = BTreeMap::new();
        let mut widths = BTreeMap::new();
        for &c in chars {
            let old = face.glyph_index(c).unwrap_or(GlyphId(0));
            let new = remapper.remap(old.0);
            let advance = thousandths(f32::from(face.glyph_hor_advance(old).unwrap_or(0)));
            glyphs.insert(c, new);
            widths.insert(new, advance);
        }
        let file = subsetter::subset(&data, self.index, &remapper)
            .map_err(|e| unreadable(&self.path, e))?;
        // A CFF font goes in as its bare CFF table (FontFile3, CIDFontType0C), the form
        // every reader takes; TrueType as the whole subset (FontFile2).
        let cff = RawFace::parse(&file, 0)
            .ok()
            .and_then(|raw| raw.table(Tag::from_bytes(b"CFF ")))
            .map(<[u8]>::to_vec);
        let bbox = face.global_bounding_box();
        let ascent = thousandths(f32::from(face.ascender()));
        let postscript = postscript_name(&face);
        Ok(Subset {
            name: format!("{}+{postscript}", tag(&postscript, &glyphs)),
            glyphs,
            widths,
            outlines: match cff {
                Some(cff) => Outlines::Cff(cff),
                None => Outlines::TrueType(file),
            },
            bbox: [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max]
                .map(|v| thousandths(f32::from(v))),
            ascent,
            descent: thousandths(f32::from(face.descender())),
            cap_height: face
                .capital_height()
                .map_or(ascent, |h| thousandths(f32::from(h))),
        })
    }
}

fn name(face: &Face, id: u16) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == id && n.is_unicode())
        .find_map(|n| n.to_string())
}

fn family(face: &Face) -> String {
    name(face, name_id::TYPOGRAPHIC_FAMILY)
        .or_else(|| name(face, name_id::FAMILY))
        .unwrap_or_default()
}

/// The PostScript name, as a PDF name may carry it.
fn postscript_name(face: &Face) -> String {
    let name: String = name(face, name_id::POST_SCRIPT_NAME)
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(60)
        .collect();
    if name.is_empty() { "CJK".into() } else { name }
}

/// The six capital letters that mark a subset's font name: an FNV-1a hash of the font
/// and the characters in the subset.
fn tag(font: &str, glyphs: &BTreeMap<char, u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let chars = glyphs.keys().flat_map(|c| u32::from(*c).to_le_bytes());
    for byte in font.bytes().chain(chars) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

enum Outlines {
    Cff(Vec<u8>),
    TrueType(Vec<u8>),
}

/// The glyphs one document uses, ready to embed.
pub(crate) struct Subset {
    /// `ABCDEF+NotoSansCJKsc-Regular`.
    name: String,
    /// The glyph id in the subset (the CID, under Identity-H) of each character.
    glyphs: BTreeMap<char, u16>,
    /// Advances in thousandths of an em, by glyph id in the subset.
    widths: BTreeMap<u16, f32>,
    outlines: Outlines,
    bbox: [f32; 4],
    ascent: f32,
    descent: f32,
    cap_height: f32,
}

impl Subset {
    /// The glyph id that shows `c` (0, `.notdef`, if the subset was not made with it).
    pub(crate) fn glyph(&self, c: char) -> u16 {
        self.glyphs.get(&c).copied().unwrap_or(0)
    }

    /// How wide `c` is, in ems.
    pub(crate) fn advance(&self, c: char) -> f32 {
        self.widths.get(&self.glyph(c)).copied().unwrap_or(1000.0) / 1000.0
    }

    /// Adds the Type0 font (its CID font, descriptor, font file and ToUnicode map) to
    /// `doc`.
    pub(crate) fn add_to(&self, doc: &mut Document) -> ObjectId {
        let (file_key, subtype, file) = match &self.outlines {
            Outlines::Cff(cff) => (
                "FontFile3",
                "CIDFontType0",
                compressed(dictionary! { "Subtype" => "CIDFontType0C" }, cff.clone()),
            ),
            Outlines::TrueType(ttf) => (
                "FontFile2",
                "CIDFontType2",
                compressed(dictionary! { "Length1" => ttf.len() as i64 }, ttf.clone()),
            ),
        };
        let file = doc.add_object(file);
        let name = Object::Name(self.name.clone().into_bytes());
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => name.clone(),
            // Symbolic: its glyphs are not those of the standard Latin set.
            "Flags" => 4,
            "FontBBox" => self.bbox.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
            "ItalicAngle" => 0,
            "Ascent" => self.ascent,
            "Descent" => self.descent,
            "CapHeight" => self.cap_height,
            "StemV" => 80,
            file_key => file,
        });
        let mut cid_font = dictionary! {
            "Type" => "Font",
            "Subtype" => subtype,
            "BaseFont" => name.clone(),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "DW" => 1000,
            "W" => self.widths_array(),
        };
        if matches!(self.outlines, Outlines::TrueType(_)) {
            cid_font.set("CIDToGIDMap", "Identity");
        }
        let to_unicode = doc.add_object(compressed(Dictionary::new(), self.to_unicode()));
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => name,
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Dictionary(cid_font)],
            "ToUnicode" => to_unicode,
        })
    }

    /// `/W`: runs of consecutive glyph ids with their widths, `first [w1 w2 …]`.
    fn widths_array(&self) -> Vec<Object> {
        let mut out = Vec::new();
        let mut run: Option<(u16, Vec<Object>)> = None;
        for (&gid, &width) in &self.widths {
            match &mut run {
                Some((first, widths)) if usize::from(*first) + widths.len() == usize::from(gid) => {
                    widths.push(Object::Real(width));
                }
                _ => {
                    if let Some((first, widths)) = run.take() {
                        out.push(i64::from(first).into());
                        out.push(Object::Array(widths));
                    }
                    run = Some((gid, vec![Object::Real(width)]));
                }
            }
        }
        if let Some((first, widths)) = run {
            out.push(i64::from(first).into());
            out.push(Object::Array(widths));
        }
        out
    }

    /// The ToUnicode CMap: each glyph id back to its character, so text can be copied
    /// and searched.
    fn to_unicode(&self) -> Vec<u8> {
        let mut seen = BTreeSet::new();
        let pairs: Vec<String> = self
            .glyphs
            .iter()
            .filter(|(_, gid)| **gid != 0 && seen.insert(**gid))
            .map(|(c, gid)| {
                let mut units = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                format!("<{gid:04X}> <{hex}>")
            })
            .collect();
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        for block in pairs.chunks(100) {
            cmap.push_str(&format!("{} beginbfchar\n", block.len()));
            for pair in block {
                cmap.push_str(pair);
                cmap.push('\n');
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        cmap.into_bytes()
    }
}

/// A Flate-compressed stream (marked copies are saved without compressing the rest).
fn compressed(dict: Dictionary, content: Vec<u8>) -> Stream {
    let mut stream = Stream::new(dict, content);
    // Left as it is if compressing does not pay.
    let _ = stream.compress();
    stream
}
