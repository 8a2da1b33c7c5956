//! Names for the demo's fictional unions: partner companies, stations and
//! outlets of courier, food-delivery and ride-hailing brands, joint unions of
//! communities and office buildings. Brands are made up from two characters
//! (avoiding the pairs of real brands); places are Nanjing's real streets.

use std::collections::HashSet;

use nuanxin_domain::org::Industry;
use rand::seq::SliceRandom;
use rand::Rng;

const BRAND_FIRST: &[&str] = &[
    "迅", "捷", "顺", "飞", "鸿", "畅", "安", "云", "速", "优", "宏", "金", "嘉", "恒", "汇", "骏",
    "瑞", "众", "智", "易", "百", "万", "星", "蓝", "新", "领", "锦", "卓", "启", "昊", "川", "禾",
    "驿", "途", "鲸", "橙", "麦", "蜂", "青", "朗",
];
const BRAND_SECOND: &[&str] = &[
    "达", "运", "驰", "邦", "行", "捷", "程", "送", "航", "诚", "远", "翔", "宇", "路", "递", "盛",
    "帆", "鹏", "越", "联", "享", "至", "迈", "骋", "锋", "腾", "跑", "点", "讯", "力", "途", "意",
    "和", "川", "骑",
];

/// Community, building and park name words for joint unions and regional federations.
const PLACE_WORDS: &[&str] = &[
    "东苑", "南湖", "金陵", "长乐", "文昌", "玉兰", "翠屏", "龙江", "凤凰", "紫金", "清凉", "桃园",
    "梅花", "银杏", "丹凤", "明光", "兴隆", "锦绣", "春晖", "和平", "安康", "百合", "芳草", "怡景",
    "天润", "华庭", "青石", "荷塘", "月华", "新河", "临江", "滨湖", "仙鹤", "石榴", "香樟", "秀山",
    "松竹", "柳营", "朝阳", "复兴", "建康", "秦淮", "钟山", "栖凤", "金港", "汇智", "江岸", "星河",
    "云锦", "银城", "虹桥", "书香", "育才", "景明", "御道", "太平", "清溪", "聚宝", "石城", "龙蟠",
];

/// Company forms per industry (`南京` + brand + form).
fn company_forms(i: Industry) -> &'static [&'static str] {
    match i {
        Industry::Express => &[
            "快递有限公司",
            "速递有限公司",
            "物流有限公司",
            "供应链管理有限公司",
            "快运有限公司",
        ],
        Industry::FoodDelivery => &[
            "同城配送有限公司",
            "即时配送服务有限公司",
            "网络科技有限公司",
            "餐饮配送有限公司",
            "人力资源服务有限公司",
        ],
        Industry::RideHailing => &[
            "出行科技有限公司",
            "汽车服务有限公司",
            "汽车租赁有限公司",
            "网约车服务有限公司",
            "交通科技有限公司",
        ],
        Industry::Trucking => &["货运有限公司", "运输有限公司", "物流科技有限公司"],
        Industry::DomesticService => &["家政服务有限公司", "家庭服务有限公司"],
        Industry::Care => &["护理服务有限公司", "养老服务有限公司", "健康管理有限公司"],
        Industry::Security => &["保安服务有限公司", "安保服务有限公司"],
        Industry::RealEstate => &["房地产经纪有限公司", "房产营销策划有限公司"],
        Industry::Retail => &["商业管理有限公司", "商贸有限公司"],
        Industry::Other => &["人力资源有限公司", "企业服务有限公司"],
    }
}

/// Brand trades and outlet kinds per industry: `顺捷快递` + `梅园新村` + `营业部`.
fn outlet_forms(i: Industry) -> (&'static [&'static str], &'static [&'static str]) {
    match i {
        Industry::Express => (
            &["快递", "速运", "快运"],
            &["营业部", "网点", "揽投部", "服务部"],
        ),
        Industry::FoodDelivery => (&["外卖", "即配", "跑腿"], &["站", "配送站", "站点"]),
        Industry::RideHailing => (&["出行", "约车"], &["服务站", "运营点"]),
        Industry::Trucking => (&["货运", "物流"], &["货运站", "车队"]),
        Industry::DomesticService => (&["家政"], &["门店", "服务站"]),
        Industry::Care => (&["护理"], &["服务站", "护理站"]),
        Industry::Security => (&["保安"], &["服务队", "项目部"]),
        Industry::RealEstate => (&["房产", "置业"], &["门店", "营业部"]),
        Industry::Retail => (&["商城", "超市"], &["门店"]),
        Industry::Other => (&["服务"], &["服务点"]),
    }
}

/// The workers a joint union gathers, by industry.
fn workers(i: Option<Industry>) -> &'static str {
    match i {
        Some(Industry::Express) => "快递员",
        Some(Industry::FoodDelivery) => "外卖骑手",
        Some(Industry::RideHailing) => "网约车司机",
        Some(Industry::Trucking) => "货车司机",
        Some(Industry::DomesticService) => "家政服务员",
        Some(Industry::Care) => "护工护理员",
        Some(Industry::Security) => "保安员",
        Some(Industry::RealEstate) => "房产中介",
        Some(Industry::Retail) => "商场信息员",
        _ => "新就业形态劳动者",
    }
}

fn pick<'a>(rng: &mut impl Rng, v: &[&'a str]) -> &'a str {
    v.choose(rng).expect("non-empty pool")
}

/// Where a union is: its district and street, for the place part of a name.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// `玄武`
    pub district: &'a str,
    /// `梅园新村街道`
    pub street: &'a str,
    /// `梅园新村`
    pub stem: &'a str,
}

/// Hands out names, never the same one twice.
#[derive(Default)]
pub struct Namer {
    used: HashSet<String>,
}

impl Namer {
    /// Reserves a fixed name (federations); false if it was taken.
    pub fn reserve(&mut self, name: &str) -> bool {
        self.used.insert(name.to_string())
    }

    /// Draws from `gen` until a free name comes up; when a pool runs dry at
    /// large scale, numbers the last draw instead of looping for ever.
    fn unique<R: Rng>(&mut self, rng: &mut R, mut gen: impl FnMut(&mut R) -> String) -> String {
        let mut last = String::new();
        for _ in 0..16 {
            last = gen(rng);
            if self.used.insert(last.clone()) {
                return last;
            }
        }
        (2..)
            .map(|n| format!("{last}（{n}）"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .expect("an unused number exists")
    }

    fn brand(rng: &mut impl Rng) -> String {
        loop {
            let (a, b) = (pick(rng, BRAND_FIRST), pick(rng, BRAND_SECOND));
            if a != b {
                return format!("{a}{b}");
            }
        }
    }

    /// `南京迅达同城配送有限公司工会`, or a district branch of one.
    pub fn company(&mut self, rng: &mut impl Rng, industry: Industry, place: Place) -> String {
        self.unique(rng, |rng| {
            let brand = Self::brand(rng);
            let form = pick(rng, company_forms(industry));
            if rng.gen_bool(0.6) {
                format!("南京{brand}{form}工会")
            } else {
                format!("南京{brand}{form}{}分公司工会", place.district)
            }
        })
    }

    /// A platform's city company, under a city industry federation.
    pub fn platform_company(&mut self, rng: &mut impl Rng, industry: Industry) -> String {
        self.unique(rng, |rng| {
            let brand = Self::brand(rng);
            let form = pick(rng, company_forms(industry));
            format!("{brand}（南京）{form}工会")
        })
    }

    /// `顺捷快递梅园新村营业部工会`, `顺捷快递玄武分拨中心工会`.
    pub fn outlet(&mut self, rng: &mut impl Rng, industry: Industry, place: Place) -> String {
        self.unique(rng, |rng| {
            let brand = Self::brand(rng);
            let (trades, kinds) = outlet_forms(industry);
            let trade = pick(rng, trades);
            if industry == Industry::Express && rng.gen_bool(0.1) {
                format!("{brand}{trade}{}分拨中心工会", place.district)
            } else {
                format!("{brand}{trade}{}{}工会", place.stem, pick(rng, kinds))
            }
        })
    }

    /// `梅园新村街道外卖骑手联合工会`, `梅园新村玉兰社区快递员联合工会`, `新街口金陵大厦楼宇联合工会`.
    pub fn joint(
        &mut self,
        rng: &mut impl Rng,
        industry: Option<Industry>,
        place: Place,
    ) -> String {
        self.unique(rng, |rng| match rng.gen_range(0..3) {
            0 => format!("{}{}联合工会", place.street, workers(industry)),
            1 => format!(
                "{}{}社区{}联合工会",
                place.stem,
                pick(rng, PLACE_WORDS),
                workers(industry)
            ),
            _ => format!(
                "{}{}{}楼宇联合工会",
                place.stem,
                pick(rng, PLACE_WORDS),
                pick(rng, &["大厦", "广场", "中心", "大楼"])
            ),
        })
    }

    /// `新街口商圈区域工会联合会`, `梅园新村玉兰社区区域工会联合会`.
    pub fn regional(&mut self, rng: &mut impl Rng, place: Place) -> String {
        self.unique(rng, |rng| match rng.gen_range(0..4) {
            0 => format!("{}商圈区域工会联合会", place.stem),
            1 => format!("{}{}社区区域工会联合会", place.stem, pick(rng, PLACE_WORDS)),
            2 => format!(
                "{}{}商务区区域工会联合会",
                place.stem,
                pick(rng, PLACE_WORDS)
            ),
            _ => format!(
                "{}{}产业园区域工会联合会",
                place.stem,
                pick(rng, PLACE_WORDS)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const PLACE: Place<'static> = Place {
        district: "玄武",
        street: "梅园新村街道",
        stem: "梅园新村",
    };

    #[test]
    fn names_look_like_unions_and_never_repeat() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut n = Namer::default();
        let mut all = Vec::new();
        for _ in 0..3000 {
            all.push(n.outlet(&mut rng, Industry::Express, PLACE));
            all.push(n.company(&mut rng, Industry::FoodDelivery, PLACE));
            all.push(n.joint(&mut rng, Some(Industry::RideHailing), PLACE));
        }
        let unique: HashSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert!(
            all.iter().all(|s| s.ends_with("工会") || s.ends_with('）')),
            "every name is a union"
        );
        assert!(
            all.iter().all(|s| s.chars().count() <= 100),
            "within the name limit"
        );
        assert!(
            all[0].contains("快") || all[0].contains("速") || all[0].contains("运"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn an_exhausted_pool_falls_back_to_numbers() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut n = Namer::default();
        // One street, one industry: the plain pattern repeats quickly.
        let names: Vec<String> = (0..500).map(|_| n.regional(&mut rng, PLACE)).collect();
        assert!(names.iter().any(|s| s.ends_with('）')));
        assert_eq!(names.iter().collect::<HashSet<_>>().len(), 500);
    }
}
