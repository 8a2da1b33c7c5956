//! Writes a fictional roster for benchmarks: `roster_file ROWS OUT.xlsx|OUT.csv`.
//! Every row is valid and every person distinct; the districts and
//! occupations vary as on a city-wide platform list.

use std::io::Write;

const DISTRICTS: [&str; 6] = ["320102", "320104", "320105", "320106", "320113", "320115"];
const OCCUPATIONS: [&str; 5] = [
    "快递员",
    "网约配送员",
    "网约车司机",
    "货车司机",
    "家政服务员",
];
const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "勇", "军"];

fn id_number(k: u32) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1966, 1, 1).unwrap()
        + chrono::Days::new(u64::from(k / 1000));
    let district = DISTRICTS[(k % 6) as usize];
    let mut s = format!("{district}{}{:03}", born.format("%Y%m%d"), k % 1000).into_bytes();
    s.push(nuanxin_domain::ids::id_check_char(&s));
    String::from_utf8(s).unwrap()
}

fn row(k: u32) -> [String; 6] {
    [
        format!(
            "{}{}{}",
            SURNAMES[(k % 10) as usize],
            GIVEN[(k / 10 % 10) as usize],
            GIVEN[(k / 100 % 10) as usize]
        ),
        id_number(k),
        format!("1{}{:09}", [3, 5, 7, 8, 9][(k % 5) as usize], k),
        OCCUPATIONS[(k / 7 % 5) as usize].to_string(),
        format!("平台合作商{}", k % 200),
        DISTRICTS[(k / 3 % 6) as usize].to_string(),
    ]
}

const HEADERS: [&str; 6] = [
    "姓名",
    "身份证号",
    "手机号",
    "职业群体",
    "工作单位或平台",
    "工作地区代码",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rows), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: roster_file ROWS OUT.xlsx|OUT.csv");
        std::process::exit(2);
    };
    let rows: u32 = rows.parse()?;
    if out.ends_with(".csv") {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        writeln!(w, "{}", HEADERS.join(","))?;
        for k in 0..rows {
            writeln!(w, "{}", row(k).join(","))?;
        }
        w.flush()?;
    } else {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string(0, c as u16, *h)?;
        }
        for k in 0..rows {
            for (c, v) in row(k).iter().enumerate() {
                sheet.write_string(k + 1, c as u16, v)?;
            }
        }
        book.save(out)?;
    }
    Ok(())
}
